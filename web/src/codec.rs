//! How checked code travels from build.rs and the compiler worker to the
//! page. postcard when it can carry `irqlab_sim::Program` (externally tagged
//! enums: small and fast), JSON otherwise; build.rs probes which and sets
//! `cfg(irqlab_postcard)`, so the page only links the decoder it needs.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    #[cfg(irqlab_postcard)]
    let bytes = postcard::to_allocvec(value).unwrap_or_default();
    #[cfg(not(irqlab_postcard))]
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    #[cfg(irqlab_postcard)]
    let value = postcard::from_bytes(bytes).map_err(|e| e.to_string());
    #[cfg(not(irqlab_postcard))]
    let value = serde_json::from_slice(bytes).map_err(|e| e.to_string());
    value
}
