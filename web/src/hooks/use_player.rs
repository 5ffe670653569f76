//! "Run": steps the cursor at the chosen speed until the end or a pause.

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::state::{Action, State};

#[hook]
pub fn use_player(playing: bool, speed: u32, dispatcher: UseReducerDispatcher<State>) {
    use_effect_with((playing, speed), move |&(playing, speed)| {
        let interval = playing.then(|| {
            let every = 1000 / speed.max(1);
            Interval::new(every, move || dispatcher.dispatch(Action::Tick))
        });
        move || drop(interval)
    });
}
