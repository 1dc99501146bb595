//! Listing everything under a prefix with many requests in flight, for `du` on big buckets.
//!
//! An object store lists at most a thousand keys a request, one request after the other when it is a
//! single listing (each page's continuation token comes with the page). A million objects are a thousand
//! round trips in a row. So the prefix tree is discovered first with delimiter listings, level by level
//! (the objects of a level are counted on the way, its sub-prefixes become the next level), until a level
//! has [`SPLIT_AT`] prefixes or more (twice [`IN_FLIGHT`]); then every prefix of that level is listed
//! recursively, [`IN_FLIGHT`] pages at a time. Each object is seen exactly once: a delimiter listing
//! returns the objects directly at its level and only names the sub-prefixes, which are listed on their
//! own.
//!
//! Discovery costs one request per prefix split, and it stops while the prefixes are still few, so a
//! bucket shaped like a warehouse (databases, tables, partitions) costs a few dozen requests more than
//! the single listing. A prefix whose first delimiter page is already truncated (over a thousand entries
//! at one level: a flat directory, or a wide one) is not split further but listed recursively, so a level
//! of a million one-object prefixes never turns into a million requests. Nothing is collected but the
//! prefix names: each page is handed to the caller and dropped.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use object_store::ObjectMeta;
use object_store::list::{PaginatedListOptions, PaginatedListResult, PaginatedListStore};

use crate::cancel::CancelToken;
use crate::error::{Error, Result};

/// Pages requested at once.
pub const IN_FLIGHT: usize = 16;

/// Levels with fewer prefixes than this are split into their sub-prefixes: enough to keep every
/// request slot busy, no more — each split multiplies the requests when the prefixes below are small
/// (a table's partitions of a hundred files cost a request each where the table costs one per thousand).
pub const SPLIT_AT: usize = 2 * IN_FLIGHT;

/// How far a listing has come: prefixes of the current level (or of the final recursive listings)
/// finished, and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prefixes {
    pub done: u64,
    pub total: u64,
}

/// A callback for each page's objects, with the prefixes done so far (counting this page's prefix
/// when the page is its last).
pub trait OnObjects: FnMut(Vec<ObjectMeta>, Prefixes) -> Result<()> {}
impl<F: FnMut(Vec<ObjectMeta>, Prefixes) -> Result<()>> OnObjects for F {}

/// One prefix being listed: `""` or ending in `/`; `split` lists it with the delimiter.
struct Work {
    prefix: String,
    split: bool,
    token: Option<String>,
}

type Fetched = (Work, object_store::Result<PaginatedListResult>);

fn fetch(pages: &Arc<dyn PaginatedListStore>, w: Work) -> BoxFuture<'static, Fetched> {
    let pages = pages.clone();
    async move {
        let opts = PaginatedListOptions {
            delimiter: w.split.then_some(Cow::Borrowed("/")),
            page_token: w.token.clone(),
            ..Default::default()
        };
        let r = pages.list_paginated((!w.prefix.is_empty()).then_some(w.prefix.as_str()), opts).await;
        (w, r)
    }
    .boxed()
}

/// Everything a caller needs besides the store: where to start, how to stop, what to do with objects.
pub struct Listing<'a, P: OnObjects, E: Fn(object_store::Error) -> Error> {
    /// `""` for a whole bucket, else a prefix ending in `/`.
    pub base: String,
    pub cancel: &'a CancelToken,
    /// What is being listed, for the "cancelled …" message.
    pub what: &'a str,
    pub on_objects: P,
    pub on_error: E,
}

/// List every object under `l.base`, handing each page's objects to `l.on_objects`.
pub async fn list<P: OnObjects, E: Fn(object_store::Error) -> Error>(
    pages: &Arc<dyn PaginatedListStore>,
    mut l: Listing<'_, P, E>,
) -> Result<()> {
    let mut level = vec![std::mem::take(&mut l.base)];
    let mut recursive = Vec::new();
    while !level.is_empty() && level.len() < SPLIT_AT {
        let mut next = Vec::new();
        run(pages, level, true, &mut l, &mut next, &mut recursive).await?;
        level = next;
    }
    recursive.append(&mut level);
    run(pages, recursive, false, &mut l, &mut Vec::new(), &mut Vec::new()).await
}

/// List `prefixes` (with the delimiter if `split`), `IN_FLIGHT` pages at a time, to their last page.
/// Split listings add their sub-prefixes to `next`, or the prefix itself to `wide` when its first page is
/// truncated.
async fn run<P: OnObjects, E: Fn(object_store::Error) -> Error>(
    pages: &Arc<dyn PaginatedListStore>,
    prefixes: Vec<String>,
    split: bool,
    l: &mut Listing<'_, P, E>,
    next: &mut Vec<String>,
    wide: &mut Vec<String>,
) -> Result<()> {
    let mut progress = Prefixes { done: 0, total: prefixes.len() as u64 };
    let mut queue: VecDeque<Work> = prefixes.into_iter().map(|prefix| Work { prefix, split, token: None }).collect();
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < IN_FLIGHT {
            let Some(w) = queue.pop_front() else { break };
            in_flight.push(fetch(pages, w));
        }
        let fetched = tokio::select! {
            f = in_flight.next() => f,
            _ = l.cancel.cancelled() => return Err(crate::cancel::cancelled(format!("listing {}", l.what))),
        };
        let Some((w, page)) = fetched else { return Ok(()) };
        let page = page.map_err(&l.on_error)?;
        if w.split && w.token.is_none() && page.page_token.is_some() {
            wide.push(w.prefix);
            progress.done += 1;
            continue;
        }
        if w.split {
            next.extend(page.result.common_prefixes.iter().map(|p| format!("{}/", p.as_ref())));
        }
        if page.page_token.is_none() {
            progress.done += 1;
        }
        (l.on_objects)(page.result.objects, progress)?;
        if let Some(token) = page.page_token {
            // The next page first: a prefix's pages come one after the other anyway.
            queue.push_front(Work { token: Some(token), ..w });
        }
    }
}
