// amphi's odds in the browser, from the cut-offs `amphi site` wrote into data.js.
//
// A candidate of rank r in a post's ranking (from 2024 the rank in the post's group of
// specialties, until 2023 the national rank) is admitted by the post in simulation k when its
// cut-off is 0 (the post kept a free seat) or r <= cut-off; in each simulation they get the
// first wish that admits them. This file does what src/site.rs does (`Cutoffs::odds`), with
// the intervals of src/wishlist.rs (`wilson`, `DaOdds::chance`); tests/it/site.rs checks that
// both give the same numbers. Plain script: `AmphiOdds` in a page, `module.exports` in node.
(function (root) {
  "use strict";

  var Z95 = 1.959963984540054;

  // The cut-offs of data.js, decoded once.
  function load(data) {
    var bin = typeof atob === "function"
      ? atob(data.cutoffs)
      : Buffer.from(data.cutoffs, "base64").toString("binary");
    var n = bin.length >> 1;
    var cut = new Uint16Array(n);
    for (var i = 0; i < n; i++) {
      cut[i] = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
    }
    if (n !== data.posts.length * data.sims) {
      throw new Error("data.js: " + n + " cut-offs for " + data.posts.length + " posts and " +
        data.sims + " simulations");
    }
    var haystacks = data.posts.map(function (p) {
      var d = data.des[p.des];
      var subNames = (data.subdivision_names || [])[p.sub] || [];
      return [d.code, d.name].concat(d.names || [], [data.subdivisions[p.sub]], subNames,
        [p.cesp ? "cesp" : ""])
        .map(normalize).join(" ").split(" ").filter(Boolean);
    });
    return { data: data, cut: cut, sims: data.sims, haystacks: haystacks };
  }

  // The rank that counts for `post`: the rank in its group (da) or the national rank (sd).
  function rankAt(site, ranks, post) {
    var d = site.data;
    if (d.procedure === "da") {
      var g = d.des[d.posts[post].des].group;
      if (g === null || g === undefined) return null;
      var r = ranks[g];
      return r === undefined || r === null || !(r > 0) ? null : r;
    }
    return ranks[0] > 0 ? ranks[0] : null;
  }

  function admits(cut, rank) {
    return cut === 0 || rank <= cut;
  }

  // The Wilson score interval (95 %) of x successes in n trials.
  function wilson(x, n) {
    if (n === 0) return [0, 1];
    var p = x / n, z2 = Z95 * Z95;
    var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    var half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    var lo = x === 0 ? 0 : Math.max(centre - half, 0);
    var hi = x === n ? 1 : Math.min(centre + half, 1);
    return [lo, hi];
  }

  // The share of simulations where hits[k], with its 95 % interval: Wilson's, or with model
  // error (draws of the model's values every `every` simulations) p ± 1.96 sqrt(between-draw
  // variance beyond noise + variance of the mean), never narrower than Wilson's.
  function interval(hits, every) {
    var n = hits.length, count = 0, k;
    for (k = 0; k < n; k++) count += hits[k] ? 1 : 0;
    var p = count / Math.max(n, 1);
    var w = wilson(count, n);
    if (!every || n < 2 * every) return { p: p, lo: w[0], hi: w[1] };
    var draws = [];
    for (var s = 0; s < n; s += every) {
      var e = Math.min(s + every, n), c = 0;
      for (k = s; k < e; k++) c += hits[k] ? 1 : 0;
      draws.push(c / (e - s));
    }
    var d = draws.length, between = 0;
    for (k = 0; k < d; k++) between += (draws[k] - p) * (draws[k] - p);
    between /= d - 1;
    var within = p * (1 - p) / every;
    var model = Math.max(between - within, 0);
    var half = Z95 * Math.sqrt(model + between / d);
    return {
      p: p,
      lo: Math.min(Math.max(p - half, 0), w[0]),
      hi: Math.max(Math.min(p + half, 1), w[1])
    };
  }

  // The odds of a list of posts (indices), in order, for ranks (13 group ranks, or [rank]).
  function odds(site, ranks, wishes) {
    var sims = site.sims, cut = site.cut, n = wishes.length;
    var mine = wishes.map(function (p) { return rankAt(site, ranks, p); });
    var outcome = new Int32Array(sims);
    var reach = wishes.map(function () { return new Uint8Array(sims); });
    for (var k = 0; k < sims; k++) {
      var got = -1;
      for (var i = 0; i < n; i++) {
        var r = mine[i];
        var a = r !== null && admits(cut[wishes[i] * sims + k], r);
        reach[i][k] = a ? 1 : 0;
        if (a && got < 0) got = i;
      }
      outcome[k] = got;
    }
    var every = site.data.model_error_every;
    var byWish = wishes.map(function (p, i) {
      return {
        post: p,
        rank: mine[i],
        got: interval(Array.prototype.map.call(outcome, function (o) { return o === i; }), every),
        orBetter: interval(Array.prototype.map.call(outcome, function (o) { return o >= 0 && o <= i; }), every),
        reach: interval(reach[i], every)
      };
    });
    return {
      sims: sims,
      outcome: outcome,
      none: interval(Array.prototype.map.call(outcome, function (o) { return o < 0; }), every),
      wishes: byWish
    };
  }

  // The chance that each post admits these ranks (0 where the rank is missing).
  function reach(site, ranks) {
    var d = site.data, sims = site.sims, out = new Float64Array(d.posts.length);
    for (var p = 0; p < d.posts.length; p++) {
      var r = rankAt(site, ranks, p);
      if (r === null) continue;
      var x = 0, base = p * sims;
      for (var k = 0; k < sims; k++) x += admits(site.cut[base + k], r) ? 1 : 0;
      out[p] = x / sims;
    }
    return out;
  }

  // The worst rank with at least chance p of being admitted by `post` (null: none), and the
  // chance of admission by rank.
  function target(site, post, levels) {
    levels = levels || [0.5, 0.8, 0.95];
    var sims = site.sims, n = site.data.candidates;
    var cuts = [];
    for (var k = 0; k < sims; k++) {
      var c = site.cut[post * sims + k];
      cuts.push(c === 0 ? Infinity : c);
    }
    cuts.sort(function (a, b) { return b - a; });
    var out = levels.map(function (p) {
      var need = Math.max(Math.ceil(p * sims), 1);
      var r = cuts[need - 1];
      return { p: p, rank: r === undefined ? null : (r === Infinity ? n : Math.min(r, n)) };
    });
    var curve = [];
    var steps = 50;
    for (var i = 0; i <= steps; i++) {
      var rank = Math.max(1, Math.round(n * i / steps));
      var x = 0;
      for (var j = 0; j < sims; j++) x += cuts[j] >= rank ? 1 : 0;
      curve.push({ rank: rank, p: x / sims });
    }
    return { levels: out, curve: curve };
  }

  // Lower case, accents stripped, punctuation to spaces (the rule of src/names.rs).
  function normalize(text) {
    return String(text).toLowerCase()
      .replace(/œ/g, "oe").replace(/æ/g, "ae")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  // Posts whose words start with each word of the query, best first: an exact code or name
  // word before a prefix, fewer words before more.
  function search(site, query, limit) {
    var words = normalize(query).split(" ").filter(Boolean);
    if (words.length === 0) return [];
    var found = [];
    site.haystacks.forEach(function (hay, p) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var best = -1;
        for (var j = 0; j < hay.length; j++) {
          if (hay[j] === words[i]) { best = 2; break; }
          if (hay[j].indexOf(words[i]) === 0) best = Math.max(best, 1);
        }
        if (best < 0) return;
        score += best;
      }
      found.push({ p: p, score: score, len: hay.length });
    });
    found.sort(function (a, b) { return b.score - a.score || a.len - b.len || a.p - b.p; });
    return found.slice(0, limit || 20).map(function (f) { return f.p; });
  }

  // A list as text, one wish a line: `MCA@Lyon`, `Cardiologie@Lyon` or `cardio lyon`; a CESP
  // post only when the line says so (`GER@Rennes/CESP`). Errors carry a message in English,
  // which the page translates.
  function parseList(site, text) {
    var wishes = [], errors = [];
    String(text).split(/\r?\n/).forEach(function (line, i) {
      var t = line.replace(/^\s*\d+[.)]\s*/, "").trim();
      if (!t) return;
      var cesp = normalize(t).split(" ").indexOf("cesp") >= 0;
      var hits = search(site, t.replace("@", " "), 50).filter(function (p) {
        return site.data.posts[p].cesp === cesp;
      });
      if (hits.length === 0) {
        errors.push({ line: i + 1, text: line, message: "no post matches" });
      } else if (wishes.indexOf(hits[0]) >= 0) {
        errors.push({ line: i + 1, text: line, message: "already in the list" });
      } else {
        wishes.push(hits[0]);
      }
    });
    return { wishes: wishes, errors: errors };
  }

  var api = {
    load: load, rankAt: rankAt, admits: admits, wilson: wilson, interval: interval,
    odds: odds, reach: reach, target: target, normalize: normalize, search: search,
    parseList: parseList
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.AmphiOdds = api;
})(typeof self !== "undefined" ? self : this);
