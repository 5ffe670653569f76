//! The web playground's commands. Filled in by the web app's issue.

pub fn setup() -> Result<(), String> {
    Ok(())
}

pub fn serve(_: &[String]) -> Result<(), String> {
    Err("the web playground (web/) is not built yet; `cargo xtask test` and the `irqlab` CLI work".into())
}

pub fn test(_: &[String]) -> Result<(), String> {
    println!("\n== web: no web app yet");
    Ok(())
}

pub fn bench(_: &[String]) -> Result<(), String> {
    Ok(())
}
