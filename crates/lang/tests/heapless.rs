//! heapless 0.8's `spsc::Queue` (crates/lang/src/lower/heapless.rs): the
//! instructions `enqueue` and `dequeue` lower to carry heapless's own
//! orderings, and the explorer proves the slot is published by them.

mod support;

use irqlab_sim::explore::{ExploreConfig, Explorer};
use support::{listing, program, run};

const QUEUE: &str = r#"
use core::ptr::addr_of_mut;
use heapless::spsc::{Consumer, Producer, Queue};

pub static mut Q: Queue<u32, 2> = Queue::new();
pub static mut PRODUCER: Option<Producer<'static, u32, 2>> = None;
pub static mut CONSUMER: Option<Consumer<'static, u32, 2>> = None;
pub static mut GOT: u32 = 0;
pub static mut FULL: u32 = 0;

pub fn main_loop() {
    let (producer, consumer) = unsafe { (*addr_of_mut!(Q)).split() };
    critical_section::with(|_| unsafe {
        PRODUCER = Some(producer);
        CONSUMER = Some(consumer);
    });
    if let Some(producer) = unsafe { (*addr_of_mut!(PRODUCER)).as_mut() } {
        if producer.enqueue(7).is_err() {
            unsafe { FULL += 1 };
        }
    }
}

pub fn on_timer() {
    if let Some(consumer) = unsafe { (*addr_of_mut!(CONSUMER)).as_mut() }
        && let Some(v) = consumer.dequeue()
    {
        unsafe { GOT = v };
    }
}
"#;

#[test]
fn enqueue_and_dequeue_use_heaplesss_orderings() {
    let p = program(QUEUE);
    let handler = listing(&p, "main_loop");
    let atomics: Vec<&str> = handler.lines().filter(|l| l.contains("Q.") || l.contains(" Q")).collect();
    let text = atomics.iter().map(|l| l.split_once(": ").map_or(*l, |(_, t)| t)).collect::<Vec<_>>().join("\n");
    assert!(
        text.contains("atomic load Q.tail Relaxed")
            && text.contains("atomic load Q.head Acquire")
            && text.contains("atomic store Q.tail Release"),
        "enqueue:\n{handler}"
    );
    let slot = handler.find("store Q.buffer[0][i] Plain").expect("the slot is stored");
    let publish = handler.find("atomic store Q.tail Release").expect("tail is published");
    assert!(slot < publish, "the slot is written before tail publishes it:\n{handler}");
    let main = listing(&p, "on_timer");
    assert!(
        main.contains("atomic load Q.head Relaxed")
            && main.contains("atomic load Q.tail Acquire")
            && main.contains("atomic store Q.head Release"),
        "dequeue:\n{main}"
    );
    let read = main.find("load Q.buffer[0][i] Plain").expect("the slot is read");
    let free = main.find("atomic store Q.head Release").expect("head frees the slot");
    assert!(read < free, "the slot is read before head frees it:\n{main}");
}

#[test]
fn a_queue_of_two_slots_holds_one_item() {
    let code = r#"
use heapless::spsc::Queue;
pub static mut Q: Queue<u8, 2> = Queue::new();
pub static mut CAP: usize = 0;
pub static mut OK: u32 = 0;
pub static mut BACK: u8 = 0;
pub static mut LEN: usize = 0;
pub static mut READY: bool = false;
pub fn main_loop() {
    let (mut producer, mut consumer) = unsafe { (*core::ptr::addr_of_mut!(Q)).split() };
    unsafe { CAP = producer.capacity() };
    if producer.enqueue(5).is_ok() {
        unsafe { OK += 1 };
    }
    if let Err(v) = producer.enqueue(6) {
        unsafe { BACK = v };
    }
    unsafe { LEN = consumer.len() };
    unsafe { READY = producer.ready() };
    assert_eq!(consumer.dequeue().unwrap(), 5);
    assert!(consumer.is_empty() && consumer.dequeue().is_none());
}
"#;
    let (state, outcomes) = run(code);
    assert!(outcomes.is_empty(), "{outcomes:?}");
    assert!(state.ends_with("CAP=1 OK=1 BACK=6 LEN=1 READY=false"), "{state}");
}

/// Main produces, the timer's handler consumes. Over every schedule (the
/// timer anywhere, every reordering the compiler may do), the handler gets
/// the item whole or not at all: no data race on the slot, no value but 0
/// or 7. With a `Relaxed` store of `tail` in the model, the compiler may
/// sink the slot's store below it, the handler can preempt in between and
/// read the slot unsynchronized: this test fails. (The other way round, a
/// handler producing for main, runs to its end before main goes on, so on
/// one core the producer's ordering could not show.)
#[test]
fn the_release_store_of_tail_publishes_the_slot_on_every_schedule() {
    let p = program(QUEUE);
    let mut explorer = Explorer::new(p, ExploreConfig::default()).expect("valid");
    let report = explorer.run();
    assert!(report.complete, "the search completes");
    for o in &report.outcomes {
        assert!(!o.labels.iter().any(|l| l == "data-race"), "a data race: {:?}", o);
        let got = o.finals.iter().find(|(n, _)| n == "GOT").map(|(_, v)| v.as_str());
        assert!(matches!(got, Some("0" | "7")), "the handler got {got:?}: {o:?}");
    }
    assert!(
        report.outcomes.iter().any(|o| o.finals.iter().any(|(n, v)| n == "GOT" && v == "7")),
        "some run hands 7 over"
    );
}
