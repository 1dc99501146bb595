//! HDFS image dumps: `hdfs oiv -p Delimited -i fsimage_<txid> -o <file>` output, one dump per day in a
//! directory (or one file). An fsimage records no calendar day of its own, so a dump's day is the
//! `YYYY-MM-DD` in its file name (`fsimage_2026-11-30.tsv`, `2026-11-30/fsimage.tsv.gz` is not looked into).

use super::{DataFormat, Report, ReportRef};
use crate::error::Result;
use crate::storage::Location;

/// The first `YYYY-MM-DD` in a name.
fn day_in(name: &str) -> Option<&str> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let ok = w.iter().enumerate().all(|(j, c)| if j == 4 || j == 7 { *c == b'-' } else { c.is_ascii_digit() });
        ok.then(|| &name[i..i + 10])
    })
}

/// The dumps in a directory (those with a day in their name), oldest first; a single dump file is one.
pub(super) async fn reports(loc: &Location) -> Result<Vec<ReportRef>> {
    if let Some(p) = loc.local_path()
        && p.is_file()
    {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(vec![ReportRef { date: day_in(&name).unwrap_or("").to_string(), rel: String::new() }]);
    }
    let (_, files) = loc.list_dir().await?;
    let mut out: Vec<ReportRef> = files
        .into_iter()
        .filter(|f| !f.path.starts_with('.'))
        .filter_map(|f| Some(ReportRef { date: day_in(&f.path)?.to_string(), rel: f.path }))
        .collect();
    out.sort_by(|a, b| (&a.date, &a.rel).cmp(&(&b.date, &b.rel)));
    Ok(out)
}

pub(super) fn report(loc: &Location, rel: &str, date: &str) -> Report {
    let file = loc.join(rel);
    let gz = file.display().ends_with(".gz");
    let timestamp_ms = super::rows::parse_time_ms(&format!("{date}T00:00")).unwrap_or(0);
    Report { date: date.to_string(), timestamp_ms, what: file.display(), files: vec![(file, DataFormat::Oiv(gz), None)] }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_dump_s_day_comes_from_its_name() {
        assert_eq!(super::day_in("fsimage_2026-11-30.tsv"), Some("2026-11-30"));
        assert_eq!(super::day_in("fsimage_0000000000000042"), None);
    }
}
