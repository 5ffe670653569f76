//! One component per file.

mod code_editor;
mod controls;
mod core_state;
mod diagnostics_list;
mod explorer_panel;
mod firmware_tab;
mod help_dialog;
mod lesson_list;
mod lesson_page;
mod narrative;
mod notice_banner;
mod step_readout;
mod theme_switch;
mod timeline;
mod timeline_table;
mod top_bar;

pub use code_editor::CodeEditor;
pub use controls::Controls;
pub use core_state::CoreState;
pub use diagnostics_list::DiagnosticsList;
pub use explorer_panel::ExplorerPanel;
pub use firmware_tab::FirmwareTab;
pub use help_dialog::HelpDialog;
pub use lesson_list::LessonList;
pub use lesson_page::LessonPage;
pub use narrative::Narrative;
pub use notice_banner::NoticeBanner;
pub use step_readout::StepReadout;
pub use theme_switch::ThemeSwitch;
pub use timeline::Timeline;
pub use timeline_table::TimelineTable;
pub use top_bar::TopBar;
