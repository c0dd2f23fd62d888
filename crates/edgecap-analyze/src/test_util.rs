//! Test fixture of the analysis layer: a sample capture from `captures/`
//! through the whole pipeline.

use crate::{analyze_capture, Analysis, AnalyzeOptions};

/// `captures/NAME` through the whole pipeline.
pub fn capture(name: &str, opts: &AnalyzeOptions) -> Analysis {
    let path = edgecap_testkit::capture_path(name);
    let reader = edgecap_capture::open_capture(&path).expect("capture opens");
    analyze_capture(reader, name, opts)
}
