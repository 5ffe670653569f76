//! UF2, for a Pico without a debug probe: the RP2040's boot ROM mounts a USB
//! drive when BOOTSEL is held at power-up, and flashes a UF2 file copied onto
//! it. A UF2 file is 512-byte blocks, each carrying 256 bytes for one flash
//! address (Microsoft's UF2 specification, github.com/microsoft/uf2). Written
//! here from the ELF's loadable segments, std only, as elf2uf2-rs does.

use std::collections::BTreeMap;

const MAGIC_START0: u32 = 0x0A32_4655;
const MAGIC_START1: u32 = 0x9E5D_5157;
const MAGIC_END: u32 = 0x0AB1_6F30;
/// The block's last header word is a family ID.
const FLAG_FAMILY_ID: u32 = 0x0000_2000;
/// The RP2040's family ID (the UF2 specification's uf2families.json).
pub const RP2040_FAMILY: u32 = 0xE48B_FF56;
/// The RP2040's flash, as the boot ROM accepts it (XIP, 16 MiB at most).
pub const RP2040_FLASH: std::ops::Range<u32> = 0x1000_0000..0x1100_0000;
const PAGE: u32 = 256;

/// A block read back: its flash address and payload.
pub type Block = (u32, Vec<u8>);

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, String> {
    let b = bytes.get(at..at + 2).ok_or("the ELF file is cut short")?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, String> {
    let b = bytes.get(at..at + 4).ok_or("the ELF file is cut short")?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The bytes a 32-bit little-endian ELF loads into `flash`, by their load
/// (physical) address: `.data`'s initial values are loaded into flash too.
pub fn flash_image(elf: &[u8], flash: &std::ops::Range<u32>) -> Result<BTreeMap<u32, [u8; 256]>, String> {
    if elf.get(..6) != Some(&[0x7f, b'E', b'L', b'F', 1, 1][..]) {
        return Err("not a 32-bit little-endian ELF file".to_string());
    }
    let (phoff, phentsize, phnum) = (u32_at(elf, 0x1C)? as usize, u16_at(elf, 0x2A)? as usize, u16_at(elf, 0x2C)?);
    let mut pages: BTreeMap<u32, [u8; 256]> = BTreeMap::new();
    for k in 0..usize::from(phnum) {
        let header = phoff + k * phentsize;
        let (kind, offset, paddr, filesz) =
            (u32_at(elf, header)?, u32_at(elf, header + 4)?, u32_at(elf, header + 12)?, u32_at(elf, header + 16)?);
        if kind != 1 || filesz == 0 {
            continue; // PT_LOAD with bytes in the file only
        }
        let end = paddr.checked_add(filesz).ok_or("a segment wraps around the address space")?;
        if !(flash.contains(&paddr) && end <= flash.end) {
            return Err(format!("a segment at {paddr:#010x}..{end:#010x} is outside flash {flash:#010x?}"));
        }
        let data =
            elf.get(offset as usize..(offset + filesz) as usize).ok_or("a segment lies past the end of the ELF")?;
        for (i, byte) in data.iter().enumerate() {
            let address = paddr + i as u32;
            pages.entry(address - address % PAGE).or_insert([0; 256])[(address % PAGE) as usize] = *byte;
        }
    }
    if pages.is_empty() {
        return Err("the ELF loads nothing into flash".to_string());
    }
    Ok(pages)
}

/// The UF2 file of `pages`, for the chip of `family`.
pub fn write(pages: &BTreeMap<u32, [u8; 256]>, family: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(pages.len() * 512);
    for (number, (address, payload)) in pages.iter().enumerate() {
        let header =
            [MAGIC_START0, MAGIC_START1, FLAG_FAMILY_ID, *address, PAGE, number as u32, pages.len() as u32, family];
        for word in header {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(payload);
        out.resize(out.len() + 476 - payload.len(), 0);
        out.extend_from_slice(&MAGIC_END.to_le_bytes());
    }
    out
}

/// Reads a UF2 file back: (address, payload) per block, checking every
/// magic number, the numbering and the family.
pub fn read(uf2: &[u8], family: u32) -> Result<Vec<Block>, String> {
    if uf2.is_empty() || !uf2.len().is_multiple_of(512) {
        return Err(format!("{} bytes is not a whole number of 512-byte blocks", uf2.len()));
    }
    let total = uf2.len() / 512;
    let mut blocks = Vec::new();
    for (number, block) in uf2.chunks(512).enumerate() {
        let word = |k: usize| u32_at(block, 4 * k);
        let magic = (word(0)?, word(1)?, u32_at(block, 508)?);
        if magic != (MAGIC_START0, MAGIC_START1, MAGIC_END) {
            return Err(format!("block {number}: wrong magic numbers"));
        }
        let (size, no, count, fam) = (word(4)?, word(5)?, word(6)?, word(7)?);
        if word(2)? & FLAG_FAMILY_ID == 0 || fam != family {
            return Err(format!("block {number}: family {fam:#x}, expected {family:#x}"));
        }
        if no as usize != number || count as usize != total || size > 476 {
            return Err(format!("block {number}: numbered {no} of {count} with {size} bytes, in a file of {total}"));
        }
        blocks.push((word(3)?, block[32..32 + size as usize].to_vec()));
    }
    Ok(blocks)
}

/// Writes `elf`'s UF2 next to it (`.uf2`); returns its path and blocks.
pub fn convert(elf: &std::path::Path) -> Result<(std::path::PathBuf, Vec<Block>), String> {
    let bytes = std::fs::read(elf).map_err(|e| format!("cannot read {}: {e}", elf.display()))?;
    let uf2 = write(&flash_image(&bytes, &RP2040_FLASH).map_err(|e| format!("{}: {e}", elf.display()))?, RP2040_FAMILY);
    let path = elf.with_extension("uf2");
    std::fs::write(&path, &uf2).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((path, read(&uf2, RP2040_FAMILY)?))
}

/// The UF2 of every Pico bin built: its first block is the second-stage
/// boot loader at the start of flash, and the vector table that follows at
/// 0x1000_0100 starts with a stack pointer in RAM and a Thumb reset vector
/// in flash, as the boot ROM and boot2 expect.
pub fn check(builds: &[super::build::Built]) -> Vec<super::check::Verdict> {
    let picos = builds.iter().filter(|b| b.board.feature == "pico" && !b.variant.solution && !b.variant.replay);
    picos
        .map(|built| {
            let result = convert(&built.elf).and_then(|(path, blocks)| {
                let image: BTreeMap<u32, &[u8]> = blocks.iter().map(|(a, d)| (*a, d.as_slice())).collect();
                let word = |address: u32| {
                    let page = image.get(&(address - address % PAGE)).ok_or(format!("nothing at {address:#x}"))?;
                    u32_at(page, (address % PAGE) as usize)
                };
                let (first, stack, reset) = (blocks[0].0, word(0x1000_0100)?, word(0x1000_0104)?);
                if first != RP2040_FLASH.start || !(0x2000_0000..0x2004_2001).contains(&stack) {
                    return Err(format!("first block at {first:#x}, initial stack pointer {stack:#x}"));
                }
                if reset & 1 == 0 || !RP2040_FLASH.contains(&reset) {
                    return Err(format!("reset vector {reset:#x} is not Thumb code in flash"));
                }
                let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                Ok(format!("{name}: {} blocks from {first:#x}, reset vector {reset:#x}", blocks.len()))
            });
            super::check::Verdict::of(format!("{} UF2 for the Pico", built.bin), result)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF32: one PT_LOAD of `data` at `paddr`, one PT_NULL.
    fn elf(paddr: u32, data: &[u8]) -> Vec<u8> {
        let mut e = vec![0u8; 0x34 + 2 * 32];
        e[..6].copy_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1]);
        e[0x1C..0x20].copy_from_slice(&0x34u32.to_le_bytes());
        e[0x2A..0x2C].copy_from_slice(&32u16.to_le_bytes());
        e[0x2C..0x2E].copy_from_slice(&2u16.to_le_bytes());
        let offset = e.len() as u32;
        let header = [1, offset, paddr, paddr, data.len() as u32, data.len() as u32, 5, 4];
        for (k, word) in header.iter().enumerate() {
            e[0x34 + 4 * k..0x38 + 4 * k].copy_from_slice(&word.to_le_bytes());
        }
        e.extend_from_slice(data);
        e
    }

    #[test]
    fn a_segment_becomes_numbered_256_byte_blocks_at_its_flash_addresses() {
        let data: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        let pages = flash_image(&elf(0x1000_0080, &data), &RP2040_FLASH).unwrap();
        assert_eq!(pages.keys().copied().collect::<Vec<_>>(), [0x1000_0000, 0x1000_0100]);
        let uf2 = write(&pages, RP2040_FAMILY);
        assert_eq!(uf2.len(), 2 * 512);
        let blocks = read(&uf2, RP2040_FAMILY).unwrap();
        assert_eq!(blocks[0].0, 0x1000_0000);
        assert_eq!(&blocks[0].1[..0x80], &[0; 0x80][..], "the gap before the segment is zero");
        assert_eq!(&blocks[0].1[0x80..], &data[..0x80]);
        assert_eq!((blocks[1].0, blocks[1].1[0xAB], blocks[1].1[0xAC]), (0x1000_0100, data[299], 0));
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        assert!(flash_image(b"not an elf", &RP2040_FLASH).unwrap_err().contains("not a 32-bit"));
        assert!(flash_image(&elf(0x2000_0000, &[1, 2]), &RP2040_FLASH).unwrap_err().contains("outside flash"));
        let mut uf2 = write(&flash_image(&elf(0x1000_0000, &[7]), &RP2040_FLASH).unwrap(), RP2040_FAMILY);
        assert!(read(&uf2, 0x1234).unwrap_err().contains("family"));
        uf2[0] ^= 1;
        assert!(read(&uf2, RP2040_FAMILY).unwrap_err().contains("magic"));
    }
}
