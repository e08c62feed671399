//! Compresses the static files the server sends (the widget's scripts, the stylesheets) once, at
//! build time, at the best level of each encoding: `OUT_DIR` gets each file as `{name}`, `{name}.gz`
//! (gzip 9) and `{name}.br` (brotli 11), which `src/assets.rs` includes.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Paths from this crate's directory; `src/assets.rs` includes each by its file name.
const ASSETS: [&str; 4] = [
    "../../widget/dist/widget.js",
    "../../widget/dist/widget-app.js",
    "assets/storefront/storefront.css",
    "assets/workspace/workspace.css",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    for asset in ASSETS {
        println!("cargo:rerun-if-changed={asset}");
        let bytes = std::fs::read(asset)?;
        let name = Path::new(asset)
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("an asset path without a file name")?;

        std::fs::write(out.join(name), &bytes)?;

        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&bytes)?;
        std::fs::write(out.join(format!("{name}.gz")), gzip.finish()?)?;

        let mut brotli = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params)?;
        std::fs::write(out.join(format!("{name}.br")), brotli)?;
    }
    Ok(())
}
