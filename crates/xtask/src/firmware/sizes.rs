//! Flash and RAM of each bin, from `llvm-size` (Berkeley format: text, data,
//! bss). Flash holds text and the initial values of data; RAM holds data and
//! bss (the stack comes on top, at the end of RAM).

use std::process::Command;

use super::build::Built;

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
    for built in builds {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_is_text_and_data_ram_is_data_and_bss() {
        let out = "   text\t   data\t    bss\t    dec\t    hex\tfilename\n   4344\t      8\t   1036\t   5388\t   150c\tlost_update\n";
        assert_eq!(parse(out), Some((4352, 1044)));
        assert_eq!(parse("garbage"), None);
    }
}
