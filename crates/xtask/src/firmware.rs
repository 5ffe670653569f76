//! The companion firmware's commands. Filled in by the firmware issue.

pub fn setup() -> Result<(), String> {
    Ok(())
}

pub fn test(_: &[String]) -> Result<(), String> {
    println!("\n== firmware: no firmware yet");
    Ok(())
}

pub fn sizes(_: &[String]) -> Result<(), String> {
    Ok(())
}
