//! A tower layer that answers `503 Service Unavailable` with `Retry-After` while the
//! switch is halted, for any tower-based HTTP server (axum, tonic, hyper services).

use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::{Either, Ready, ready};
use http::{HeaderValue, Request, Response, StatusCode, header};
use tower::{Layer, Service};

use crate::switch::Switch;

#[derive(Debug, Clone)]
pub struct HaltLayer {
    switch: Switch,
    retry_after: HeaderValue,
}

impl HaltLayer {
    /// `retry_after` tells well-behaved clients when to try again (whole seconds).
    pub fn new(switch: Switch, retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs().max(1);
        HaltLayer {
            switch,
            retry_after: HeaderValue::from(seconds),
        }
    }
}

impl<S> Layer<S> for HaltLayer {
    type Service = HaltService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HaltService {
            inner,
            switch: self.switch.clone(),
            retry_after: self.retry_after.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct HaltService<S> {
    inner: S,
    switch: Switch,
    retry_after: HeaderValue,
}

impl<S, RequestBody, ResponseBody> Service<Request<RequestBody>> for HaltService<S>
where
    S: Service<Request<RequestBody>, Response = Response<ResponseBody>>,
    ResponseBody: Default,
{
    type Response = Response<ResponseBody>;
    type Error = S::Error;
    type Future = Either<Ready<Result<Self::Response, Self::Error>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<RequestBody>) -> Self::Future {
        if !self.switch.is_halted() {
            return Either::Right(self.inner.call(request));
        }
        let mut response = Response::new(ResponseBody::default());
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, self.retry_after.clone());
        response
            .headers_mut()
            .insert("x-ripcord", HeaderValue::from_static("halted"));
        Either::Left(ready(Ok(response)))
    }
}
