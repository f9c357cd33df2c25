//! Upgrades (WebSockets): the handshake goes to the upstream on a connection of its own;
//! after `101 Switching Protocols` the gate copies bytes both ways until either side
//! closes or the switch halts, which closes both. Upgrades never pass while halted, on a
//! health path or not.

use std::net::SocketAddr;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ripcord_core::text::error_chain;
use tokio::net::TcpStream;

use crate::body::{GateBody, empty};
use crate::headers;
use crate::proxy::Inner;
use crate::refusal::{self, Refused};

pub(crate) async fn forward(
    gate: &Inner,
    mut request: Request<Incoming>,
    peer: SocketAddr,
) -> Response<GateBody> {
    let asked = refusal::negotiation(request.headers());
    let bad_gateway = |what: &str, error: &dyn std::error::Error| {
        tracing::warn!(upstream = %gate.upstream, error = %error_chain(error), "{what}");
        gate.refusals.answer(Refused::BadGateway, &asked)
    };
    let client_side = hyper::upgrade::on(&mut request);
    let protocol = headers::requested_upgrade(request.headers());
    let (mut parts, body) = request.into_parts();
    gate.prepare(&mut parts.headers, peer, protocol);
    let address = (gate.upstream.host(), gate.upstream.port());
    let connected = tokio::time::timeout(
        gate.config.upstream_connect_timeout,
        TcpStream::connect(address),
    )
    .await;
    let stream = match connected {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => return bad_gateway("cannot connect to the upstream", &error),
        Err(elapsed) => return bad_gateway("cannot connect to the upstream", &elapsed),
    };
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) =
        match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
            Ok(handshake) => handshake,
            Err(error) => return bad_gateway("the upstream refused the handshake", &error),
        };
    tokio::spawn(async move {
        if let Err(error) = connection.with_upgrades().await {
            tracing::debug!(%error, "an upgraded upstream connection ended with an error");
        }
    });
    // A body, if the request has one, goes along (an upgrade may carry one).
    let mut upstream_request = Request::new(gate.body(body, true));
    *upstream_request.method_mut() = parts.method;
    *upstream_request.uri_mut() = parts.uri.path_and_query().map_or_else(
        || hyper::Uri::from_static("/"),
        |path| hyper::Uri::from(path.clone()),
    );
    *upstream_request.headers_mut() = parts.headers;
    let mut response = match gate
        .answer(sender.send_request(upstream_request), true)
        .await
    {
        Ok(response) => response,
        Err(refused) => return gate.refusals.answer(refused, &asked),
    };
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        // Refused (a 400, a 404): pass the answer on, cut by a halt like any other.
        let (mut parts, body) = response.into_parts();
        headers::strip_hop_by_hop(&mut parts.headers, None);
        return Response::from_parts(parts, gate.body(body, true));
    }
    let upstream_side = hyper::upgrade::on(&mut response);
    let switch = gate.switch.clone();
    tokio::spawn(async move {
        let (client, upstream) = match tokio::try_join!(client_side, upstream_side) {
            Ok(both) => both,
            Err(error) => {
                tracing::debug!(%error, "an upgrade did not complete");
                return;
            }
        };
        let mut client = TokioIo::new(client);
        let mut upstream = TokioIo::new(upstream);
        tokio::select! {
            copied = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {
                if let Err(error) = copied {
                    tracing::debug!(%error, "an upgraded connection ended with an error");
                }
            }
            cause = switch.halted() => {
                tracing::info!(halted_by = %cause.scope, "closing an upgraded connection (WebSocket): halted");
            }
        }
    });
    let protocol = response.headers().get(hyper::header::UPGRADE).cloned();
    let (mut parts, _) = response.into_parts();
    headers::strip_hop_by_hop(&mut parts.headers, protocol);
    Response::from_parts(parts, empty())
}
