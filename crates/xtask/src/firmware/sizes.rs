//! Flash and RAM of each bin, from `llvm-size` (Berkeley format: text, data,
//! bss). Flash holds text and the initial values of data; RAM holds data and
//! bss (the stack comes on top, at the end of RAM).

use std::path::Path;
use std::process::Command;

use super::boards::BOARDS;
use super::build::Built;
use super::check::Verdict;

/// (flash bytes, static RAM bytes) of one ELF.
pub fn measure(elf: &std::path::Path) -> Result<(u64, u64), String> {
    let output = Command::new("llvm-size").arg(elf).output().map_err(|e| format!("could not start llvm-size: {e}"))?;
    parse(&String::from_utf8_lossy(&output.stdout)).ok_or(format!("llvm-size gave no sizes for {}", elf.display()))
}

fn parse(berkeley: &str) -> Option<(u64, u64)> {
    let numbers: Vec<u64> =
        berkeley.lines().nth(1)?.split_whitespace().take(3).map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let [text, data, bss] = numbers[..] else { return None };
    Some((text + data, data + bss))
}

pub fn table(builds: &[Built]) -> Result<String, String> {
    let mut table = String::from(
        "| bin | board | variant | flash (bytes) | static RAM (bytes) |\n| --- | --- | --- | ---: | ---: |\n",
    );
    // Grouped by board and variant as built, each group by bin name: the
    // builds arrive in cargo's artifact order, which varies from run to run.
    let group = |b: &Built| (b.board.feature, b.variant.file(), b.variant.mode());
    let mut groups = Vec::new();
    for b in builds {
        if !groups.contains(&group(b)) {
            groups.push(group(b));
        }
    }
    let mut ordered: Vec<&Built> = builds.iter().collect();
    ordered.sort_by_key(|b| (groups.iter().position(|g| *g == group(b)), b.bin.as_str()));
    for built in ordered {
        let (flash, ram) = measure(&built.elf)?;
        table.push_str(&format!(
            "| {} | {} | {} {} | {flash} | {ram} |\n",
            built.bin,
            built.board.feature,
            built.variant.file(),
            built.variant.mode()
        ));
    }
    Ok(table)
}

/// Where firmware/README.md's table of sizes starts and ends.
const START: &str = "<!-- sizes: written by `cargo xtask firmware-sizes` (and `cargo xtask bench`) -->";
const END: &str = "<!-- end of sizes -->";

/// firmware/README.md's table: the free-run scenario build of every bin,
/// one column per board, `flash / static RAM`; empty where a bin is not built.
pub fn readme_table(builds: &[Built]) -> Result<String, String> {
    let free = |b: &&Built| !b.variant.solution && !b.variant.replay;
    let mut bins: Vec<&str> = builds.iter().filter(free).map(|b| b.bin.as_str()).collect();
    bins.sort_unstable();
    bins.dedup();
    let mut table = String::from("| bin |");
    let mut rule = String::from("| --- |");
    for board in BOARDS {
        table.push_str(&format!(" {} |", board.name));
        rule.push_str(" --- |");
    }
    table.push('\n');
    table.push_str(&rule);
    for bin in bins {
        table.push_str(&format!("\n| {bin} |"));
        for board in BOARDS {
            match builds.iter().filter(free).find(|b| b.bin == bin && b.board.feature == board.feature) {
                Some(built) => {
                    let (flash, ram) = measure(&built.elf)?;
                    table.push_str(&format!(" {flash} / {ram} |"));
                }
                None => table.push_str(" |"),
            }
        }
    }
    Ok(table)
}

/// The text between the README's markers.
fn between(readme: &str) -> Option<(usize, usize)> {
    let start = readme.find(START)? + START.len();
    let end = start + readme[start..].find(END)?;
    Some((start, end))
}

pub fn write_readme(builds: &[Built], readme: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let (start, end) = between(&text).ok_or(format!("{} has no `{START}` ... `{END}`", readme.display()))?;
    let updated = format!("{}\n{}\n{}", &text[..start], readme_table(builds)?, &text[end..]);
    std::fs::write(readme, updated).map_err(|e| format!("cannot write {}: {e}", readme.display()))
}

/// Whether the README's table is the one these builds give: every bin, every
/// board, today's sizes.
pub fn readme_lists(builds: &[Built], readme: &Path) -> Verdict {
    let name = "firmware/README.md size table".to_string();
    let result = (|| {
        let text = std::fs::read_to_string(readme).map_err(|e| format!("{}: {e}", readme.display()))?;
        let (start, end) = between(&text).ok_or(format!("no `{START}` ... `{END}`"))?;
        let table = readme_table(builds)?;
        if text[start..end].trim() == table.trim() {
            Ok(format!("lists all {} bins with their current sizes", table.lines().count() - 2))
        } else {
            Err("is not what the builds measure (a bin missing, or sizes changed): run `cargo xtask \
                 firmware-sizes` and commit firmware/README.md"
                .to_string())
        }
    })();
    Verdict::of(name, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_is_text_and_data_ram_is_data_and_bss() {
        let out = "   text\t   data\t    bss\t    dec\t    hex\tfilename\n   4344\t      8\t   1036\t   5388\t   150c\tlost_update\n";
        assert_eq!(parse(out), Some((4352, 1044)));
        assert_eq!(parse("garbage"), None);
    }

    #[test]
    fn finds_the_table_between_the_markers() {
        let readme = format!("intro\n{START}\n| old |\n{END}\nafter\n");
        let (start, end) = between(&readme).expect("both markers");
        assert_eq!(readme[start..end].trim(), "| old |");
        assert_eq!(between("no markers"), None);
    }
}
