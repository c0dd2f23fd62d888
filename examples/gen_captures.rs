//! Writes the synthetic sample captures ([`edgecap_testkit::samples`]) into
//! `captures/`. Run: `cargo run --example gen_captures`.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    for (name, bytes) in edgecap_testkit::samples::all()? {
        std::fs::write(dir.join(name), &bytes)?;
        println!("wrote captures/{name} ({} bytes)", bytes.len());
    }
    Ok(())
}
