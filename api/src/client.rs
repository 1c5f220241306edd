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
    /// entries further left were written by the client itself and cannot be believed. The walk
    /// ends at the first untrusted address, or at an entry that is not an address: then the
    /// last trusted hop before it is the client as far as anyone can tell.
    pub fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        Some(self.walk(peer, &forwarded))
    }

    fn walk(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let mut client = peer;
        for entry in forwarded.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match entry.trim().parse::<IpAddr>() {
                Ok(hop) => client = hop,
                Err(_) => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests;
