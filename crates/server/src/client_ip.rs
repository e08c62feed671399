//! The client's address: the peer's, unless the peer is a trusted proxy, in which case the
//! last address in `X-Forwarded-For` that is not itself a trusted proxy.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// Trusted proxy addresses and networks (`10.0.0.0/8`, `127.0.0.1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl FromStr for TrustedProxies {
    type Err = String;
    /// A comma-separated list; empty trusts nobody.
    fn from_str(list: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (address, prefix) = match item.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (item, None),
            };
            let address: IpAddr = address
                .parse()
                .map_err(|_| format!("`{item}` is not an IP address or network"))?;
            let max = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| format!("`{item}` has a bad prefix length"))?,
                None => max,
            };
            networks.push((address, prefix));
        }
        Ok(TrustedProxies(networks))
    }
}

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|&(network, prefix)| match (network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }

    /// The client address of a request from `peer` carrying `forwarded_for`.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let Some(chain) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in chain.rsplit(',').map(str::trim) {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.contains(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// The client's IP address, per the trusted proxies setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<crate::AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Infallible> {
        Ok(ClientIp(client_ip(parts, state)))
    }
}

/// The client address of a request (an in-process test without a socket counts as loopback).
pub fn client_ip(parts: &Parts, state: &crate::AppState) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    state.settings.trusted_proxies.client(peer, forwarded)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxies: TrustedProxies = "10.0.0.0/8, 127.0.0.1".parse().unwrap();
        assert_eq!(
            proxies.client(ip("203.0.113.9"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), Some("1.2.3.4")),
            ip("1.2.3.4")
        );
        // A client cannot spoof by prepending: the rightmost untrusted hop counts.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), Some("6.6.6.6, 1.2.3.4, 10.9.9.9")),
            ip("1.2.3.4")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), Some("garbage")),
            ip("127.0.0.1")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.1.2.3"), Some("1.2.3.4")),
            ip("10.1.2.3")
        );
    }

    #[test]
    fn a_bad_proxy_list_is_refused() {
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("example.com".parse::<TrustedProxies>().is_err());
        assert!("::1, fd00::/8".parse::<TrustedProxies>().is_ok());
    }
}
