//! Starts the playground in the page's `<main id="app">`.

fn main() {
    irqlab_web::app::start();
}
