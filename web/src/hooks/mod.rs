//! Custom hooks: the global keyboard shortcuts, the player's timer, the
//! permalink in the address bar, presenter mode, the compiler worker and the explorer's slices.

mod use_compiler;
mod use_explorer;
mod use_permalink;
mod use_player;
mod use_present;
mod use_shortcuts;

pub use use_compiler::{CompileRequest, WORKER_URL, use_compiler};
pub use use_explorer::{ExplorerHandle, ExplorerStatus, use_explorer};
pub use use_permalink::use_permalink;
pub use use_player::use_player;
pub use use_present::{asks_present, present_in_address, use_present, with_present};
pub use use_shortcuts::{SHORTCUTS, shortcut, use_shortcuts};
