//! Small self-contained SVG charts: lines with interval bands, and horizontal bars with
//! interval whiskers. Text only, no fonts or scripts to load: they print and read offline.

use std::fmt::Write as _;

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c => s.push(c),
        }
    }
    s
}

/// One line of a [`line_chart`].
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend.
    pub name: String,
    /// CSS colour.
    pub color: &'static str,
    /// `(x, y, lo, hi)`: the line and its interval band.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// Axis labels and ranges.
#[derive(Debug, Clone)]
pub struct Axes {
    /// Under the x axis.
    pub x_label: String,
    /// Beside the y axis.
    pub y_label: String,
    /// `(min, max)` of x.
    pub x: (f64, f64),
    /// `(min, max)` of y.
    pub y: (f64, f64),
    /// Format y ticks as percentages.
    pub y_percent: bool,
}

const W: f64 = 720.0;
const H: f64 = 340.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 64.0;

/// Round tick values covering `(lo, hi)`, about `n` of them.
fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    // Multiples of the step, rounded so that 3 x 0.2 prints as 0.6.
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| (k as f64 * step * 1e9).round() / 1e9)
        .collect()
}

fn tick_label(v: f64, percent: bool) -> String {
    if percent {
        return format!("{:.0} %", v * 100.0);
    }
    // Whole numbers group their thousands with a thin space; every negative number gets a
    // true minus sign, and -0 prints as 0.
    let body = if v.fract() == 0.0 || v.abs() >= 1000.0 {
        let s = format!("{:.0}", v.abs());
        let mut grouped = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) && s.len() > 4 {
                grouped.push('\u{202f}');
            }
            grouped.push(c);
        }
        grouped
    } else {
        format!("{}", v.abs())
    };
    if v < 0.0 && !body.trim_start_matches(['0', '.']).is_empty() {
        format!("−{body}")
    } else {
        body
    }
}

/// A line chart with one shaded interval band per series and a legend.
pub fn line_chart(title: &str, axes: &Axes, series: &[Series]) -> String {
    let (x0, x1) = axes.x;
    let (y0, y1) = axes.y;
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0).max(f64::MIN_POSITIVE) * (W - LEFT - RIGHT);
    let py = |y: f64| TOP + (y1 - y) / (y1 - y0).max(f64::MIN_POSITIVE) * (H - TOP - BOTTOM);
    let mut s = open_svg(title, W, H);
    grid(&mut s, axes, &px, &py);
    for line in series {
        if line.points.is_empty() {
            continue;
        }
        let mut band = String::new();
        for &(x, _, _, hi) in &line.points {
            let _ = write!(band, "{:.1},{:.1} ", px(x), py(hi.clamp(y0, y1)));
        }
        for &(x, _, lo, _) in line.points.iter().rev() {
            let _ = write!(band, "{:.1},{:.1} ", px(x), py(lo.clamp(y0, y1)));
        }
        let _ = writeln!(
            s,
            r#"<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none"/>"#,
            band.trim_end(),
            line.color
        );
        let path: Vec<String> = line
            .points
            .iter()
            .map(|&(x, y, _, _)| format!("{:.1},{:.1}", px(x), py(y.clamp(y0, y1))))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            path.join(" "),
            line.color
        );
    }
    for (i, line) in series.iter().enumerate() {
        let x = LEFT + 12.0 + 200.0 * i as f64;
        let y = H - 14.0;
        let _ = writeln!(
            s,
            r#"<rect x="{x:.1}" y="{:.1}" width="14" height="4" fill="{}"/><text x="{:.1}" y="{y:.1}" font-size="12">{}</text>"#,
            y - 6.0,
            line.color,
            x + 20.0,
            escape(&line.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn open_svg(title: &str, w: f64, h: f64) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="100%" role="img" aria-label="{t}" font-family="sans-serif"><title>{t}</title>
"#,
        t = escape(title)
    )
}

fn grid(s: &mut String, axes: &Axes, px: &dyn Fn(f64) -> f64, py: &dyn Fn(f64) -> f64) {
    let (x0, x1) = axes.x;
    let (y0, y1) = axes.y;
    for t in ticks(y0, y1, 5) {
        let y = py(t);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            tick_label(t, axes.y_percent)
        );
    }
    for t in ticks(x0, x1, 8) {
        let x = px(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{:.1}" stroke="#eee"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            H - BOTTOM,
            H - BOTTOM + 16.0,
            tick_label(t, false)
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{:.1}" stroke="#333"/><line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        H - BOTTOM,
        W - RIGHT,
        H - BOTTOM,
        H - BOTTOM
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text><text transform="translate(14 {:.1}) rotate(-90)" font-size="12" text-anchor="middle">{}</text>"#,
        (LEFT + W - RIGHT) / 2.0,
        H - BOTTOM + 34.0,
        escape(&axes.x_label),
        (TOP + H - BOTTOM) / 2.0,
        escape(&axes.y_label)
    );
}

/// One bar of a [`bar_chart`]: label, value and its interval.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Left of the bar.
    pub label: String,
    /// The value.
    pub value: f64,
    /// Interval, drawn as a whisker.
    pub interval: Option<(f64, f64)>,
}

/// Horizontal bars from 0 (negative to the left), whiskers for intervals, one row per bar.
/// `unit` follows each value's label (e.g. " ranks").
pub fn bar_chart(title: &str, x_label: &str, bars: &[Bar], unit: &str) -> String {
    let row = 18.0;
    let label_w = 150.0;
    let value_w = 80.0;
    let h = TOP + row * bars.len().max(1) as f64 + 48.0;
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for b in bars {
        let (l, u) = b.interval.unwrap_or((b.value, b.value));
        lo = lo.min(l.min(b.value));
        hi = hi.max(u.max(b.value));
    }
    if lo == hi {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.04;
    let (lo, hi) = (
        lo - if lo < 0.0 { pad } else { 0.0 },
        hi + if hi > 0.0 { pad } else { 0.0 },
    );
    let plot = (label_w, W - RIGHT - value_w);
    let px = |x: f64| plot.0 + (x - lo) / (hi - lo) * (plot.1 - plot.0);
    let mut s = open_svg(title, W, h);
    let bottom = TOP + row * bars.len() as f64;
    for t in ticks(lo, hi, 6) {
        let x = px(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{bottom:.1}" stroke="#eee"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            bottom + 14.0,
            tick_label(t, false)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + row * i as f64;
        let (a, z) = (px(0.0), px(b.value));
        let color = if b.value < 0.0 { "#c0392b" } else { "#2c7fb8" };
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}" fill-opacity="0.8"/>"#,
            label_w - 6.0,
            y + row * 0.7,
            escape(&b.label),
            a.min(z),
            y + 3.0,
            (z - a).abs().max(0.5),
            row - 6.0
        );
        if let Some((l, u)) = b.interval {
            let mid = y + row / 2.0;
            let _ = writeln!(
                s,
                r##"<line x1="{:.1}" x2="{:.1}" y1="{mid:.1}" y2="{mid:.1}" stroke="#222"/><line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#222"/><line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#222"/>"##,
                px(l),
                px(u),
                px(l),
                px(l),
                mid - 3.0,
                mid + 3.0,
                px(u),
                px(u),
                mid - 3.0,
                mid + 3.0
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11">{}{}</text>"#,
            plot.1 + 6.0,
            y + row * 0.7,
            tick_label(b.value.round(), false),
            escape(unit)
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{:.1}" x2="{:.1}" y1="{TOP}" y2="{bottom:.1}" stroke="#333"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"##,
        px(0.0),
        px(0.0),
        (plot.0 + plot.1) / 2.0,
        bottom + 32.0,
        escape(x_label)
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(-120.0, 40.0, 4), [-100.0, -50.0, 0.0]);
        assert_eq!(tick_label(9755.0, false), "9755");
        assert_eq!(tick_label(-1500.0, false), "−1500");
        assert_eq!(tick_label(-15000.0, false), "−15\u{202f}000");
        assert_eq!(tick_label(-0.0, false), "0");
        assert_eq!(tick_label(-227.0, false), "−227");
        assert_eq!(tick_label(0.5, false), "0.5");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn charts_are_well_formed() {
        let axes = Axes {
            x_label: "rank".into(),
            y_label: "share".into(),
            x: (1.0, 100.0),
            y: (0.0, 1.0),
            y_percent: true,
        };
        let line = Series {
            name: "base <2023>".into(),
            color: "#000",
            points: vec![(1.0, 0.9, 0.8, 1.0), (100.0, 0.1, 0.0, 0.2)],
        };
        let svg = line_chart("t", &axes, &[line]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("base &lt;2023&gt;"));
        let bars = [Bar {
            label: "MGE".into(),
            value: -300.0,
            interval: Some((-320.0, -280.0)),
        }];
        let svg = bar_chart("t", "ranks", &bars, "");
        assert!(svg.contains(">MGE<") && svg.contains("#c0392b"));
    }
}
