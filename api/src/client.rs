//! Who the client is, network-wise: the peer address, or — behind reverse proxies the operator
//! trusts — the address those proxies report in `X-Forwarded-For`. Rate limits key on it.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed (`SHORTSCIENCE_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and networks, e.g. `127.0.0.1, 10.0.0.0/8, ::1`.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is not an IP address or network"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address. Forwarded addresses are read right to left, skipping trusted proxies:
    /// entries further left were written by the client itself and cannot be believed.
    pub fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded: Vec<IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map_while(|entry| entry.trim().parse::<IpAddr>().ok())
            .collect();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|ip| !self.trusts(*ip))
                .unwrap_or(peer),
        )
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(value) = forwarded {
            req = req.insert_header(("X-Forwarded-For", value));
        }
        req.to_http_request()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        let req = request("203.0.113.7", Some("198.51.100.1"));
        assert_eq!(none.client_address(&req), Some("203.0.113.7".parse().unwrap()));
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        // The client claims to be 1.1.1.1; the edge proxy (10.0.0.2) saw 198.51.100.9.
        let req = request("127.0.0.1", Some("1.1.1.1, 198.51.100.9, 10.0.0.2"));
        assert_eq!(
            proxies.client_address(&req),
            Some("198.51.100.9".parse().unwrap())
        );
        let direct = request("127.0.0.1", None);
        assert_eq!(
            proxies.client_address(&direct),
            Some("127.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn bad_entries_are_reported() {
        assert!(TrustedProxies::parse("10.0.0.0/8, proxy.local").is_err());
        assert_eq!(TrustedProxies::parse(" ").unwrap(), TrustedProxies::default());
    }
}
