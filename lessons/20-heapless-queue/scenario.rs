//! The ADC handler queues each sample for main with heapless's
//! single-producer single-consumer queue: the handler owns the producer,
//! main the consumer, and neither ever waits for the other.

use core::ptr::addr_of_mut;

use heapless::spsc::{Consumer, Producer, Queue};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Two slots: one for each sample of a burst.
pub static mut Q: Queue<u16, 2> = Queue::new();
/// The queue's two ends, moved out of `init` into the context that uses
/// each: the producer for the handler, the consumer for main.
pub static mut PRODUCER: Option<Producer<'static, u16, 2>> = None;
pub static mut CONSUMER: Option<Consumer<'static, u16, 2>> = None;
/// Samples the handler took (only the handler writes it).
pub static mut TAKEN: u32 = 0;
/// Samples that found the queue full (only the handler writes it).
pub static mut DROPPED: u32 = 0;
/// Samples main received, and the last one (only main writes them).
pub static mut RECEIVED: u32 = 0;
pub static mut LAST: u16 = 0;
/// Samples main received out of order or not as sent (only main).
pub static mut GARBLED: u32 = 0;

/// Thread mode, once at boot: split the queue, hand out its ends, then
/// unmask the ADC.
pub fn init() {
    // SAFETY: nothing else touches Q, and it is split once: the ends live
    // as long as the program.
    let (producer, consumer) = unsafe { (*addr_of_mut!(Q)).split() };
    // In a critical section: its end publishes the two stores, which the
    // compiler may not move past the unmask below.
    critical_section::with(|_| unsafe {
        PRODUCER = Some(producer);
        CONSUMER = Some(consumer);
    });
    board::clear_event(Interrupt::SAADC);
    NVIC::unpend(Interrupt::SAADC);
    unsafe { NVIC::unmask(Interrupt::SAADC) };
}

/// Thread mode: take the next sample, if there is one.
pub fn drain() {
    // SAFETY: only main uses the consumer.
    if let Some(consumer) = unsafe { (*addr_of_mut!(CONSUMER)).as_mut() }
        && let Some(sample) = consumer.dequeue()
    {
        unsafe {
            if sample <= LAST {
                GARBLED += 1;
            }
            LAST = sample;
            RECEIVED += 1;
        }
    }
}

/// SAADC (priority 1): a conversion is done; queue its sample.
pub fn on_sample() {
    board::clear_event(Interrupt::SAADC);
    // SAFETY: only this handler uses the producer.
    if let Some(producer) = unsafe { (*addr_of_mut!(PRODUCER)).as_mut() } {
        let sample = unsafe {
            TAKEN += 1;
            TAKEN as u16 * 100
        };
        let _ = producer.enqueue(sample); // the queue is never full, surely
    }
}
