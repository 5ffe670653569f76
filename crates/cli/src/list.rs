//! `irqlab list`: the built-in lessons, one a line.

use std::fmt::Write as _;

use crate::{InputError, Verdict, emit};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the list as JSON.
    #[arg(long)]
    json: bool,
}

pub fn main(args: &Args) -> Result<Verdict, InputError> {
    let lessons = irqlab_lessons::builtin();
    if args.json {
        let list: Vec<_> = lessons
            .iter()
            .map(|l| serde_json::json!({ "id": l.id, "title": l.title, "summary": l.summary, "covers": l.covers }))
            .collect();
        emit(&(serde_json::to_string_pretty(&list).map_err(|e| InputError(e.to_string()))? + "\n"));
        return Ok(Verdict::Clean);
    }
    let width = lessons.iter().map(|l| l.id.len()).max().unwrap_or(2).max(2);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:<10}  TITLE", "ID", "TOPICS");
    for l in &lessons {
        let _ = writeln!(out, "{:<width$}  {:<10}  {}", l.id, l.covers.join(","), l.title);
        let _ = writeln!(out, "{:<width$}  {:<10}  {}", "", "", l.summary);
    }
    emit(&out);
    Ok(Verdict::Clean)
}
