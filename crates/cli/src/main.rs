//! `irqlab`: list, run, explain and check lessons from the command line.
//!
//! Exit status: 0 when the run is clean, 1 when the code did something wrong
//! (a property is false, a panic, a data race, a deadlock, a hang or
//! starvation; for `check`, a challenge rule broken), 2 on bad input (unknown lesson, unreadable file, code that
//! does not compile, a malformed schedule), with the error on stderr.

mod check;
mod explain;
mod lesson;
mod list;
mod run;
mod timeline;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use irqlab_lang::terminal_safe;

#[derive(Parser, Debug)]
#[command(
    name = "irqlab",
    version,
    about = "Interrupts and concurrency in embedded Rust, step by step",
    after_help = "Exit status: 0 when the run is clean; 1 when the code did something wrong (a property is false, \
                  a panic, a data race, a deadlock, a hang or starvation, a challenge rule broken; a lost event \
                  or a step bound alone is not); 2 on bad input (unknown lesson, unreadable file, code that does not compile, a bad schedule)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One variant per subcommand, each with its own module and `Args`.
#[derive(Subcommand, Debug)]
enum Command {
    /// List the built-in lessons.
    List(list::Args),
    /// Run a lesson's code under a schedule and print the timeline.
    Run(run::Args),
    /// Print a lesson's narrative, setup and code with line numbers.
    Explain(explain::Args),
    /// Try every arrival point: each property's verdict, the shortest counterexample.
    Check(check::Args),
}

/// Bad input: reported on stderr, exit status 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a subcommand concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The code did something wrong (exit status 1).
    Failed,
}

/// Writes a command's output. A closed pipe (`irqlab run .. | head`) is not
/// an error: the reader has what it wanted.
pub fn emit(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(terminal_safe(text).as_bytes()).and_then(|()| stdout.flush());
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(args) => list::main(&args),
        Command::Run(args) => run::main(&args),
        Command::Explain(args) => explain::main(&args),
        Command::Check(args) => check::main(&args),
    };
    match result {
        Ok(Verdict::Clean) => ExitCode::SUCCESS,
        Ok(Verdict::Failed) => ExitCode::from(1),
        Err(InputError(message)) => {
            eprintln!("{}", terminal_safe(message.trim_end()));
            ExitCode::from(2)
        }
    }
}
