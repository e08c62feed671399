//! Product pictures drawn as SVG, one per category and metal (`rings-rose_gold.svg`): the demo
//! catalog's images, and the placeholder of an imported product that has none. Only our own
//! constants go into the markup, never request data.

use aurora_core::catalog::{Category, Metal};
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write as _;

/// Where an imported product without an image points: `{PLACEHOLDERS}/{category}-{metal}.svg`.
pub const PLACEHOLDERS: &str = aurora_core::catalog::PLACEHOLDER_IMAGES;
/// Images never change for a given name.
const IMAGE_CACHE: &str = "public, max-age=86400";

/// The placeholder images, served in every mode.
pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(&format!("{PLACEHOLDERS}/{{name}}"), get(image))
}

/// `GET …/{category}-{metal}.svg`: the drawing, or a 404 problem.
pub(crate) async fn image(Path(name): Path<String>) -> Response {
    match svg(&name) {
        Some(svg) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("image/svg+xml"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMAGE_CACHE)),
            ],
            svg,
        )
            .into_response(),
        None => crate::ApiError::not_found("There is no such image.").into_response(),
    }
}

/// The SVG for `{category}-{metal}.svg`, or `None` for any other name.
pub(crate) fn svg(name: &str) -> Option<String> {
    let (category, metal) = name.strip_suffix(".svg")?.split_once('-')?;
    Some(draw(category.parse().ok()?, metal.parse().ok()?))
}

/// The colours of a metal, light to dark, and of the soft background behind it.
struct Palette {
    highlight: &'static str,
    light: &'static str,
    mid: &'static str,
    dark: &'static str,
    backdrop: (&'static str, &'static str),
}

#[rustfmt::skip]
fn palette(metal: Metal) -> Palette {
    let (highlight, light, mid, dark, backdrop) = match metal {
        Metal::YellowGold => ("#fff4c2", "#f2d272", "#d4a62a", "#8f6a12", ("#fdf8ec", "#f1e2c2")),
        Metal::WhiteGold => ("#ffffff", "#eceae4", "#c3c0b8", "#85827a", ("#f8f8f6", "#e2e2dc")),
        Metal::RoseGold => ("#ffe6da", "#f0b9a0", "#d08a6f", "#94543f", ("#fdf4f0", "#f2d9cf")),
        Metal::Platinum => ("#ffffff", "#e3e8ee", "#aeb6c1", "#6d7784", ("#f4f7fa", "#dbe3ec")),
        Metal::Silver => ("#ffffff", "#eef0f2", "#c6cbd0", "#8a9096", ("#f7f8f9", "#e0e4e8")),
    };
    Palette {
        highlight,
        light,
        mid,
        dark,
        backdrop,
    }
}

fn noun(category: Category) -> &'static str {
    match category {
        Category::Rings => "ring",
        Category::Necklaces => "pendant necklace",
        Category::Earrings => "drop earrings",
        Category::Bracelets => "bangle bracelet",
        Category::Other => "piece of jewelry",
    }
}

fn draw(category: Category, metal: Metal) -> String {
    let p = palette(metal);
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-labelledby="title">"#,
            r#"<title id="title">{label} {noun}</title>"#,
            "<defs>",
            r#"<radialGradient id="backdrop" cx="50%" cy="38%" r="78%"><stop offset="0" stop-color="{b0}"/><stop offset="1" stop-color="{b1}"/></radialGradient>"#,
            r#"<linearGradient id="metal" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{hi}"/><stop offset=".3" stop-color="{light}"/><stop offset=".65" stop-color="{mid}"/><stop offset="1" stop-color="{dark}"/></linearGradient>"#,
            r#"<linearGradient id="metal-back" x1="1" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{dark}"/><stop offset=".45" stop-color="{mid}"/><stop offset="1" stop-color="{light}"/></linearGradient>"#,
            r##"<linearGradient id="gem" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff"/><stop offset=".5" stop-color="#e3f1fb"/><stop offset="1" stop-color="#9cc3e6"/></linearGradient>"##,
            r##"<radialGradient id="shadow"><stop offset="0" stop-color="#3b2f25" stop-opacity=".22"/><stop offset="1" stop-color="#3b2f25" stop-opacity="0"/></radialGradient>"##,
            "</defs>",
            r#"<rect width="400" height="400" fill="url(#backdrop)"/>"#,
        ),
        label = metal.label(),
        noun = noun(category),
        b0 = p.backdrop.0,
        b1 = p.backdrop.1,
        hi = p.highlight,
        light = p.light,
        mid = p.mid,
        dark = p.dark,
    );
    svg.push_str(match category {
        Category::Rings => RING,
        Category::Necklaces => NECKLACE,
        Category::Earrings => EARRINGS,
        Category::Bracelets => BANGLE,
        Category::Other => GEM,
    });
    // The glint sits in empty space, away from each drawing.
    let (x, y) = match category {
        Category::Rings | Category::Bracelets => (300, 78),
        Category::Necklaces => (292, 300),
        Category::Earrings => (200, 58),
        Category::Other => (310, 90),
    };
    let _ = write!(
        svg,
        r##"<path d="M{x} {y} l4 11 l11 4 l-11 4 l-4 11 l-4 -11 l-11 -4 l11 -4 Z" fill="#ffffff" opacity=".9"/>"##
    );
    svg.push_str("</svg>");
    svg
}

/// A round brilliant stone in a metal bezel, for whatever fits no category.
const GEM: &str = concat!(
    r#"<ellipse cx="200" cy="330" rx="96" ry="14" fill="url(#shadow)"/>"#,
    r#"<path d="M112 170 L146 124 L254 124 L288 170 L200 292 Z" fill="none" stroke="url(#metal)" stroke-width="12" stroke-linejoin="round"/>"#,
    r##"<path d="M124 170 L152 134 L248 134 L276 170 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.5"/>"##,
    r##"<path d="M124 170 L276 170 L200 278 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.5"/>"##,
    r##"<path d="M152 134 L172 170 L200 134 L228 170 L248 134 M172 170 L200 278 L228 170" fill="none" stroke="#ffffff" stroke-width="1.2" opacity=".85"/>"##,
);

/// A solitaire ring in three-quarter view, the stone raised on prongs.
const RING: &str = concat!(
    r#"<ellipse cx="200" cy="338" rx="118" ry="16" fill="url(#shadow)"/>"#,
    r#"<ellipse cx="200" cy="236" rx="100" ry="92" fill="none" stroke="url(#metal)" stroke-width="20"/>"#,
    r#"<ellipse cx="200" cy="236" rx="88" ry="80" fill="none" stroke="url(#metal-back)" stroke-width="4" opacity=".6"/>"#,
    r#"<path d="M180 150 L187 112 M220 150 L213 112" stroke="url(#metal-back)" stroke-width="7" stroke-linecap="round"/>"#,
    r##"<path d="M166 110 L181 92 L219 92 L234 110 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.5"/>"##,
    r##"<path d="M166 110 L234 110 L200 146 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.5"/>"##,
    r##"<path d="M181 92 L191 110 L200 92 L209 110 L219 92 M191 110 L200 146 L209 110" fill="none" stroke="#ffffff" stroke-width="1.2" opacity=".85"/>"##,
);

/// A fine chain falling into a V, with a teardrop pendant holding a stone.
const NECKLACE: &str = concat!(
    r#"<ellipse cx="200" cy="368" rx="60" ry="10" fill="url(#shadow)"/>"#,
    r#"<path d="M64 24 C76 180 150 250 200 252 C250 250 324 180 336 24" fill="none" stroke="url(#metal)" stroke-width="5" stroke-linecap="round"/>"#,
    r##"<path d="M64 24 C76 180 150 250 200 252 C250 250 324 180 336 24" fill="none" stroke="#ffffff" stroke-opacity=".5" stroke-width="2" stroke-dasharray="2 7"/>"##,
    r#"<circle cx="200" cy="263" r="9" fill="none" stroke="url(#metal)" stroke-width="4"/>"#,
    r#"<path d="M200 274 C230 302 238 334 200 356 C162 334 170 302 200 274 Z" fill="url(#metal)"/>"#,
    r##"<path d="M200 292 C217 310 221 328 200 340 C179 328 183 310 200 292 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.2"/>"##,
);

/// A pair of drop earrings on French hooks.
const EARRINGS: &str = concat!(
    r#"<ellipse cx="140" cy="330" rx="50" ry="9" fill="url(#shadow)"/>"#,
    r#"<ellipse cx="260" cy="330" rx="50" ry="9" fill="url(#shadow)"/>"#,
    r#"<path d="M140 116 V92 C140 64 168 64 168 88" fill="none" stroke="url(#metal-back)" stroke-width="4" stroke-linecap="round"/>"#,
    r#"<path d="M260 116 V92 C260 64 288 64 288 88" fill="none" stroke="url(#metal-back)" stroke-width="4" stroke-linecap="round"/>"#,
    r#"<circle cx="140" cy="124" r="10" fill="url(#metal)"/>"#,
    r#"<circle cx="260" cy="124" r="10" fill="url(#metal)"/>"#,
    r#"<rect x="138" y="132" width="4" height="30" fill="url(#metal)"/>"#,
    r#"<rect x="258" y="132" width="4" height="30" fill="url(#metal)"/>"#,
    r#"<path d="M140 160 C180 205 184 258 140 296 C96 258 100 205 140 160 Z" fill="url(#metal)"/>"#,
    r#"<path d="M260 160 C300 205 304 258 260 296 C216 258 220 205 260 160 Z" fill="url(#metal)"/>"#,
    r##"<path d="M140 190 C162 215 164 248 140 270 C116 248 118 215 140 190 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.2"/>"##,
    r##"<path d="M260 190 C282 215 284 248 260 270 C236 248 238 215 260 190 Z" fill="url(#gem)" stroke="#7fa7cf" stroke-width="1.2"/>"##,
);

/// A bangle seen from above at an angle, small stones along its front.
const BANGLE: &str = concat!(
    r#"<ellipse cx="200" cy="322" rx="150" ry="22" fill="url(#shadow)"/>"#,
    r#"<ellipse cx="200" cy="215" rx="140" ry="80" fill="none" stroke="url(#metal)" stroke-width="26"/>"#,
    r#"<ellipse cx="200" cy="222" rx="124" ry="66" fill="none" stroke="url(#metal-back)" stroke-width="6" opacity=".55"/>"#,
    r##"<ellipse cx="200" cy="215" rx="140" ry="80" fill="none" stroke="#ffffff" stroke-opacity=".4" stroke-width="4" stroke-dasharray="160 540"/>"##,
    r##"<g fill="url(#gem)" stroke="#7fa7cf" stroke-width="1">"##,
    r#"<circle cx="152" cy="290" r="6"/><circle cx="176" cy="294" r="6"/><circle cx="200" cy="295" r="6"/>"#,
    r#"<circle cx="224" cy="294" r="6"/><circle cx="248" cy="290" r="6"/>"#,
    "</g>",
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::svg;
    use aurora_core::catalog::{Category, Metal};

    /// Checks that every opened element is closed in order and attribute quotes pair up.
    fn assert_well_formed(svg: &str) {
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("unclosed tag") + start;
            let tag = &rest[start + 1..end];
            assert_eq!(tag.matches('"').count() % 2, 0, "quotes in <{tag}>");
            assert!(!tag.contains('<'), "nested < in <{tag}>");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(name.trim()), "closing </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().expect("empty tag");
                open.push(name);
            }
            rest = &rest[end + 1..];
        }
        assert!(open.is_empty(), "left open: {open:?}");
        assert!(rest.trim().is_empty());
    }

    #[test]
    fn every_category_and_metal_has_a_well_formed_svg() {
        for category in Category::ALL {
            for metal in Metal::ALL {
                let name = format!("{}-{}.svg", category.as_str(), metal.as_str());
                let image = svg(&name).unwrap_or_else(|| panic!("no image for {name}"));
                assert!(image.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
                assert!(image.ends_with("</svg>"));
                assert!(image.contains(&format!("<title id=\"title\">{} ", metal.label())));
                assert!(!image.contains("<script"));
                assert_well_formed(&image);
            }
        }
    }

    #[test]
    fn each_metal_is_drawn_in_its_own_colours_and_each_category_in_its_own_shape() {
        let rose = svg("rings-rose_gold.svg").unwrap();
        let platinum = svg("rings-platinum.svg").unwrap();
        assert_ne!(rose, platinum);
        assert!(rose.contains("#d08a6f"));
        let necklace = svg("necklaces-rose_gold.svg").unwrap();
        let earrings = svg("earrings-rose_gold.svg").unwrap();
        let bangle = svg("bracelets-rose_gold.svg").unwrap();
        let shapes = [&rose, &necklace, &earrings, &bangle];
        for (i, a) in shapes.iter().enumerate() {
            for b in &shapes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn unknown_or_malformed_names_have_no_image() {
        for name in [
            "",
            ".svg",
            "rings.svg",
            "rings-gold.svg",
            "hats-platinum.svg",
            "rings-rose_gold",
            "rings-rose_gold.png",
            "rings-rose_gold.svg.svg",
            "Rings-platinum.svg",
            "rings-rose-gold.svg",
            "../rings-platinum.svg",
        ] {
            assert!(svg(name).is_none(), "{name}");
        }
    }
}
