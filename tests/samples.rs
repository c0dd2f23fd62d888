//! The committed synthetic captures are exactly what the generator
//! (`edgecap_testkit::samples`, run by `cargo run --example gen_captures`)
//! produces, so the files in `captures/` stay reproducible and documented.

use std::path::Path;

#[test]
fn committed_samples_match_the_generator() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let samples = edgecap_testkit::samples::all().expect("generate");
    assert_eq!(samples.len(), 33);
    for (name, bytes) in samples {
        let committed =
            std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("captures/{name}: {e}"));
        assert!(
            committed == bytes,
            "captures/{name} differs from the generator; run `cargo run --example gen_captures`"
        );
    }
}
