//! Scoring one query term against one piece of text (a table name, a column, a comment, an owner).
//!
//! The ranking people expect from a quick-open box: what they typed exactly, then names that start with
//! it, then names with it at a word start (`_`, `.`, `-`, space), then anywhere, then its letters in
//! order (`ordcu` → `ods_order_customers`), and last a one-letter typo (`ordres` → `orders`). Everything
//! works on ASCII-lowercased bytes, with a 64-bit "which characters occur" mask per text so that most
//! texts are rejected with one AND before any byte is compared; that is what keeps 100k tables well
//! under a millisecond per field on a keystroke.

/// How a term matched a text, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Exact,
    Prefix,
    WordStart,
    Substring,
    Subsequence,
    Typo,
}

/// Which kinds of match a field allows: long free text (comments) gets only contiguous matches, since
/// letters-in-order matches almost any sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fuzziness {
    /// Names: every kind, including subsequences and one typo.
    Full,
    /// Free text: exact, prefix, word start and substring.
    Contiguous,
}

/// The characters a text contains, as bits: `a`–`z`, `0`–`9`, `_`, and the rest folded into the top.
pub fn char_mask(text: &[u8]) -> u64 {
    text.iter().fold(0u64, |m, &b| m | bit(b))
}

fn bit(b: u8) -> u64 {
    let i = match b {
        b'a'..=b'z' => b - b'a',
        b'0'..=b'9' => 26 + b - b'0',
        b'_' => 36,
        _ => 37 + b % 27,
    };
    1u64 << i
}

pub(super) fn is_sep(b: u8) -> bool {
    matches!(b, b'_' | b'.' | b'-' | b' ' | b'/' | b',' | b'(' | b':')
}

/// A query term, prepared once per query: its lowercase bytes, mask and substring searcher.
pub struct Term {
    pub bytes: Vec<u8>,
    pub mask: u64,
    finder: memchr::memmem::Finder<'static>,
}

impl Term {
    pub fn new(text: &str) -> Term {
        let bytes = text.to_ascii_lowercase().into_bytes();
        let finder = memchr::memmem::Finder::new(&bytes).into_owned();
        Term { mask: char_mask(&bytes), bytes, finder }
    }
}

/// Score `term` against `text` (lowercase; `text_mask` = `char_mask(text)`), higher is better;
/// `None` when it does not match at all. Scores: exact 1000, prefix 900…, word start 800…, substring
/// 700…, subsequence 300–600, typo 250.
pub fn score(term: &Term, text: &[u8], text_mask: u64, fuzz: Fuzziness) -> Option<(u32, MatchKind)> {
    let (t, term) = (term, term.bytes.as_slice());
    if term.is_empty() || text.is_empty() {
        return None;
    }
    let missing = (t.mask & !text_mask).count_ones();
    if missing == 0 {
        if let Some(hit) = contiguous(t, text) {
            return Some(hit);
        }
        if fuzz == Fuzziness::Full
            && let Some(s) = subsequence(term, text)
        {
            return Some((s, MatchKind::Subsequence));
        }
    }
    if fuzz == Fuzziness::Full && missing <= 1 && term.len() >= 4 && typo_at_word_start(term, text) {
        return Some((250, MatchKind::Typo));
    }
    None
}

fn contiguous(t: &Term, text: &[u8]) -> Option<(u32, MatchKind)> {
    let term = t.bytes.as_slice();
    if term == text {
        return Some((1000, MatchKind::Exact));
    }
    let longer = |n: usize| (n.min(90)) as u32;
    if text.starts_with(term) {
        return Some((900 - longer(text.len() - term.len()), MatchKind::Prefix));
    }
    let mut first = None;
    for pos in t.finder.find_iter(text) {
        if is_sep(text[pos - 1]) {
            // Earlier word starts rank a little higher: `order_id` over `customer_order`.
            return Some((800 - longer(pos), MatchKind::WordStart));
        }
        first.get_or_insert(pos);
    }
    first.map(|pos| (700 - longer(pos), MatchKind::Substring))
}

/// Letters of `term` in order inside `text`: greedy from the left, rewarding letters that start a word
/// and penalising the gaps between them.
fn subsequence(term: &[u8], text: &[u8]) -> Option<u32> {
    let mut ti = 0;
    let mut bonus = 0i32;
    let mut gaps = 0i32;
    let mut last: Option<usize> = None;
    for (i, &b) in text.iter().enumerate() {
        if ti < term.len() && b == term[ti] {
            if i == 0 || is_sep(text[i - 1]) {
                bonus += 30;
            }
            if let Some(l) = last {
                gaps += (i - l - 1).min(8) as i32;
            }
            last = Some(i);
            ti += 1;
        }
    }
    (ti == term.len()).then(|| (450 + bonus - 4 * gaps).clamp(300, 600) as u32)
}

/// Whether `term` is one edit (substitute, insert, delete, swap neighbours) away from a prefix of one
/// of `text`'s words (or of `text` itself).
fn typo_at_word_start(term: &[u8], text: &[u8]) -> bool {
    let starts = std::iter::once(0).chain((1..text.len()).filter(|&i| is_sep(text[i - 1])));
    let (a, b) = (term[0], term[1]);
    for s in starts {
        let rest = &text[s..];
        // One edit leaves one of the term's first two letters among the word's first two.
        if rest.len() < 2 || !(rest[0] == a || rest[0] == b || rest[1] == a || rest[1] == b) {
            continue;
        }
        for len in [term.len(), term.len() + 1, term.len() - 1] {
            if len <= rest.len() && within_one_edit(term, &rest[..len]) {
                return true;
            }
        }
    }
    false
}

/// Optimal-string-alignment distance ≤ 1.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == la && p == lb {
        return true;
    }
    let (ra, rb) = (&a[p..], &b[p..]);
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(term: &str, text: &str) -> Option<(u32, MatchKind)> {
        score(&Term::new(term), text.as_bytes(), char_mask(text.as_bytes()), Fuzziness::Full)
    }

    fn kind(term: &str, text: &str) -> Option<MatchKind> {
        s(term, text).map(|x| x.1)
    }

    #[test]
    fn exact_beats_prefix_beats_word_start_beats_substring_beats_subsequence_beats_typo() {
        let ranked = [
            s("orders", "orders"),
            s("orders", "orders_daily"),
            s("orders", "ods_orders"),
            s("orders", "preorders"),
            s("orders", "o_r_d_e_r_s"),
            s("ordres", "ods_orders"),
        ];
        let kinds: Vec<_> = ranked.iter().map(|r| r.unwrap().1).collect();
        assert_eq!(
            kinds,
            [
                MatchKind::Exact,
                MatchKind::Prefix,
                MatchKind::WordStart,
                MatchKind::Substring,
                MatchKind::Subsequence,
                MatchKind::Typo
            ]
        );
        let scores: Vec<_> = ranked.iter().map(|r| r.unwrap().0).collect();
        assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
    }

    #[test]
    fn shorter_and_earlier_matches_rank_higher() {
        assert!(s("ord", "orders").unwrap().0 > s("ord", "orders_by_customer_and_day").unwrap().0);
        assert!(s("id", "ods_id_map").unwrap().0 > s("id", "ods_order_customer_id").unwrap().0);
        // Letters that start words (o-c-l) beat letters scattered inside them.
        assert!(s("ocl", "ods_customer_ltv").unwrap().0 > s("ocl", "oxxcxxl").unwrap().0);
    }

    #[test]
    fn typos_need_four_letters_and_one_edit_at_a_word_start() {
        assert_eq!(kind("custmer", "customer_id"), Some(MatchKind::Subsequence), "a dropped letter is still in order");
        assert_eq!(kind("cusotmer", "customer_id"), Some(MatchKind::Typo), "swapped letters");
        assert_eq!(kind("cusstomer", "dim_customer"), Some(MatchKind::Typo), "an extra letter");
        assert_eq!(kind("cistomer", "customer"), Some(MatchKind::Typo), "a wrong letter");
        assert_eq!(kind("ordres", "ods_orders"), Some(MatchKind::Typo), "swapped neighbours");
        assert_eq!(kind("oxdrxs", "orders"), None, "two edits");
        assert_eq!(kind("xyz", "xzy_table"), None, "too short for typos");
        assert_eq!(kind("revenue", "orders"), None);
    }

    #[test]
    fn comments_only_match_contiguously() {
        let text = b"raw order lines from the web shop";
        let m = char_mask(text);
        let (web, rwshp) = (Term::new("web"), Term::new("rwshp"));
        assert_eq!(score(&web, text, m, Fuzziness::Contiguous).map(|x| x.1), Some(MatchKind::WordStart));
        assert_eq!(score(&rwshp, text, m, Fuzziness::Contiguous), None);
        assert!(score(&rwshp, text, m, Fuzziness::Full).is_some());
    }

    #[test]
    fn one_edit_distance_is_exact() {
        assert!(within_one_edit(b"abcd", b"abcd"));
        assert!(within_one_edit(b"abcd", b"abxd"));
        assert!(within_one_edit(b"abcd", b"abd"));
        assert!(within_one_edit(b"abd", b"abcd"));
        assert!(within_one_edit(b"abcd", b"bacd"));
        assert!(!within_one_edit(b"abcd", b"badc"));
        assert!(!within_one_edit(b"abcd", b"ab"));
    }
}
