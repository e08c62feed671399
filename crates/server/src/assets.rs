//! Static files as the server sends them: each is compiled in with its gzip and brotli forms
//! (made once by `build.rs`, at the best level), sent in the encoding the browser accepts, and
//! revalidated by an ETag of that encoding. The compression middleware leaves them alone: they
//! already carry a `Content-Encoding`.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One static file in every encoding the server sends it in.
pub(crate) struct Asset {
    identity: &'static [u8],
    gzip: &'static [u8],
    brotli: &'static [u8],
    content_type: &'static str,
    cache: &'static str,
    /// The hash of the file, quoted in each encoding's ETag.
    hash: String,
}

/// An [`Asset`] from the file `build.rs` copied and compressed under this name.
macro_rules! asset {
    ($name:literal, $content_type:expr, $cache:expr) => {
        $crate::assets::Asset::new(
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name)),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".gz")),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".br")),
            $content_type,
            $cache,
        )
    };
}
pub(crate) use asset;

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }

    /// The best encoding `Accept-Encoding` allows: the highest `q`, brotli before gzip before
    /// none at the same `q`. No header, or nothing acceptable, is the file as it is.
    fn negotiate(request: &HeaderMap) -> Encoding {
        let mut q = [None::<f32>; 3];
        let mut wildcard = None;
        for value in request.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let weight = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|v| v.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match coding.as_str() {
                    "br" => q[0] = Some(weight),
                    "gzip" | "x-gzip" => q[1] = Some(weight),
                    "identity" => q[2] = Some(weight),
                    "*" => wildcard = Some(weight),
                    _ => {}
                }
            }
        }
        let weight = |i: usize| q[i].or(wildcard).unwrap_or(0.0);
        [Encoding::Brotli, Encoding::Gzip]
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| weight(i) > 0.0)
            .max_by(|a, b| weight(a.0).total_cmp(&weight(b.0)).then(b.0.cmp(&a.0)))
            .filter(|&(i, _)| weight(i) >= q[2].unwrap_or(0.0))
            .map_or(Encoding::Identity, |(_, e)| e)
    }
}

impl Asset {
    pub(crate) fn new(
        identity: &'static [u8],
        gzip: &'static [u8],
        brotli: &'static [u8],
        content_type: &'static str,
        cache: &'static str,
    ) -> Asset {
        let hash: String = Sha256::digest(identity)
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        Asset {
            identity,
            gzip,
            brotli,
            content_type,
            cache,
            hash,
        }
    }

    /// The bytes sent in `encoding`.
    fn body(&self, encoding: Encoding) -> &'static [u8] {
        match encoding {
            Encoding::Brotli => self.brotli,
            Encoding::Gzip => self.gzip,
            Encoding::Identity => self.identity,
        }
    }

    /// The ETag of the file in `encoding`: a different representation, a different tag.
    fn etag(&self, encoding: Encoding) -> String {
        match encoding {
            Encoding::Identity => format!("\"{}\"", self.hash),
            other => format!("\"{}-{}\"", self.hash, other.token()),
        }
    }

    /// The answer to a GET of this file: 304 when the browser's copy is current, else the file
    /// in the best encoding it accepts, with `extra` headers.
    pub(crate) fn respond(
        &self,
        request: &HeaderMap,
        extra: &[(HeaderName, &'static str)],
    ) -> Response {
        let encoding = Encoding::negotiate(request);
        let etag = self.etag(encoding);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(self.cache));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        for (name, value) in extra {
            headers.insert(name.clone(), HeaderValue::from_static(value));
        }
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|tag| tag.trim().trim_start_matches("W/") == etag)
            });
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        if encoding != Encoding::Identity {
            headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(encoding.token()),
            );
        }
        (headers, self.body(encoding)).into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn accepting(value: &str) -> Encoding {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Encoding::negotiate(&headers)
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(accepting("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(accepting("gzip, deflate"), Encoding::Gzip);
        assert_eq!(accepting("x-gzip"), Encoding::Gzip);
        assert_eq!(accepting("br;q=0.5, gzip"), Encoding::Gzip);
        assert_eq!(accepting("br;q=0, gzip;q=0"), Encoding::Identity);
        assert_eq!(accepting("*"), Encoding::Brotli);
        assert_eq!(accepting("*;q=0.1, br;q=0"), Encoding::Gzip);
        assert_eq!(accepting("identity"), Encoding::Identity);
        assert_eq!(accepting("deflate"), Encoding::Identity);
        assert_eq!(accepting("gzip;q=0.5, identity"), Encoding::Identity);
        assert_eq!(accepting("GZIP"), Encoding::Gzip);
    }

    #[test]
    fn each_encoding_has_its_own_etag_and_a_matching_one_is_a_304() {
        let asset = Asset::new(b"body", b"gz", b"br", "text/css; charset=utf-8", "no-cache");
        let mut request = HeaderMap::new();
        request.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let first = asset.respond(&request, &[]);
        assert_eq!(first.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(first.headers()[header::VARY], "accept-encoding");
        let tag = first.headers()[header::ETAG].clone();
        assert!(tag.to_str().unwrap().ends_with("-gzip\""), "{tag:?}");
        request.insert(header::IF_NONE_MATCH, tag.clone());
        assert_eq!(
            asset.respond(&request, &[]).status(),
            StatusCode::NOT_MODIFIED
        );
        // The same tag does not stand for the brotli form.
        request.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        let brotli = asset.respond(&request, &[]);
        assert_eq!(brotli.status(), StatusCode::OK);
        assert_ne!(brotli.headers()[header::ETAG], tag);
    }
}
