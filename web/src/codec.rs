//! How checked code travels from build.rs (the lesson data file) and the
//! compiler worker to the page: postcard, and only postcard. It needs
//! `irqlab_sim::Program`'s enums externally tagged (they are), and it keeps
//! a self-describing decoder (JSON) out of the page. build.rs refuses to
//! build when a lesson's program does not come back exactly.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(value).map_err(|e| e.to_string())
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

/// Whether `value` comes back from the codec exactly; the reason when not.
pub fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> Result<(), String> {
    let back: T = decode(&encode(value)?)?;
    if back == *value { Ok(()) } else { Err("it decodes to a different value".into()) }
}
