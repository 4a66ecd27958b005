// amphi's web page for externs: ranks and a wish list in, odds out.
//
// Reads `self.AMPHI_DATA` (data.js, written by `amphi site`) and computes with `AmphiOdds`
// (odds.js). Everything stays in the browser: the list and the ranks in localStorage (one key
// per year), nothing is sent anywhere. All words people read are in STRINGS, one table per
// language; numbers go through fmtInt and fmtPct.
(function () {
  'use strict';

  const STRINGS = {
    fr: {
      title: "amphi : vos chances à l'internat",
      lead: "Entrez vos rangs, construisez votre liste de vœux : la page calcule vos chances à partir des simulations d'amphi. Rien n'est envoyé : tout reste dans votre navigateur.",
      loading: 'Chargement des données…',
      no_data: "Les données (data.js) ou le calcul (odds.js) n'ont pas pu être chargés. Régénérez le site avec « amphi site --out DOSSIER ».",
      lang_button: 'English',
      lang_button_lang: 'en',
      h_ranks: 'Vos rangs',
      ranks_hint_da: "Depuis 2024, chaque groupe de spécialités a son propre classement. Entrez votre rang dans chaque groupe où vous faites un vœu (de 1 à {max}). Si un groupe reste vide, ses vœux sont refusés.",
      ranks_hint_sd: "En {year}, un seul classement national : entrez votre rang national (de 1 à {max}).",
      rank_national: 'Rang national',
      rank_invalid: 'Un rang est un nombre entier, 1 ou plus.',
      rank_too_big: 'Plus grand que le nombre de candidats simulés ({max}) : comptez-vous parmi les derniers.',
      h_list: 'Votre liste de vœux',
      search_label: 'Chercher une spécialité et une ville (ex. « cardio lyon »)',
      search_placeholder: 'cardio lyon',
      search_none: 'Aucun poste ne correspond.',
      search_add: 'Ajouter',
      search_added: 'déjà dans la liste',
      cesp_toggle: "Montrer les postes CESP (contrat d'engagement de service public)",
      wishes_empty: 'Votre liste est vide : cherchez un poste ci-dessus, ou collez une liste.',
      up: 'Monter',
      down: 'Descendre',
      remove: 'Retirer',
      export: 'Exporter en CSV',
      clear: 'Vider la liste',
      clear_confirm: 'Vider toute la liste ?',
      paste_summary: 'Coller une liste',
      paste_label: "Un vœu par ligne, dans l'ordre : « MCA@Lyon », « Cardiologie@Lyon » ou « cardio lyon ».",
      paste_apply: 'Remplacer ma liste par celle-ci',
      paste_ok: '{n} vœu(x) lu(s).',
      paste_line: 'Ligne {line} (« {text} ») : {message}',
      paste_no_post: 'aucun poste ne correspond',
      paste_duplicate: 'déjà dans la liste',
      h_odds: 'Vos chances',
      odds_hint: "« Vous l'obtenez » : la chance d'avoir ce vœu (et pas un vœu placé plus haut). « À portée » : la chance que ce poste vous admette, quel que soit l'ordre de votre liste.",
      odds_empty: 'Ajoutez des vœux pour voir vos chances.',
      col_wish: 'Vœu',
      col_got: "Vous l'obtenez",
      col_reach: 'À portée',
      col_post: 'Poste',
      col_add: 'Ajouter',
      none_row: "Aucun de vos vœux",
      interval: 'de {lo} à {hi}',
      refused: 'Refusé : donnez votre rang en « {group} ».',
      no_group: "Refusé : cette spécialité n'a pas de groupe dans les données.",
      refused_sd: 'Entrez votre rang national pour voir vos chances.',
      your_rank_here: 'votre rang ici : {rank}',
      history_summary: 'Rangs limites {from}–{to}',
      history_year: 'Année',
      history_rank: 'Rang limite',
      history_basis: 'Classement',
      history_count: 'Candidats',
      basis_national: 'rang national',
      basis_group: 'rang dans le groupe',
      history_none: '—',
      intervals_noise: "En petit : l'intervalle à 95 %. Il couvre le bruit de simulation ({sims} simulations).",
      intervals_model: "En petit : l'intervalle à 95 %. Il couvre le bruit de simulation ({sims} simulations) et l'erreur du modèle (ses valeurs sont tirées à nouveau toutes les {every} simulations).",
      intervals_not: "Il ne couvre pas ce que le modèle ne prévoit pas : un changement des règles ou du nombre de postes, ou des choix des autres candidats très différents des années passées.",
      h_open: 'Ce qui reste ouvert à vos rangs',
      open_hint: "Chaque poste, avec la chance qu'il vous admette (qu'il ne soit pas plein avant votre rang), quelle que soit votre liste.",
      open_filter: 'Filtrer par spécialité ou subdivision',
      open_count: '{shown} postes affichés sur {n} qui vous admettent dans au moins une simulation.',
      open_need_rank: 'Entrez au moins un rang pour voir ce qui reste ouvert.',
      open_missing: 'Les groupes sans rang ne sont pas comptés : {groups}.',
      show_more: 'Voir plus',
      h_target: 'Quel rang pour ce poste ?',
      target_label: 'Choisissez un poste (de votre liste, ou cherchez-le)',
      target_none: 'Choisissez un poste.',
      target_level: '{p} de chances : {rank}',
      target_rank_or_better: 'rang {rank} ou mieux',
      target_no_rank: 'aucun rang ne suffit',
      target_basis_sd: 'rang national',
      target_basis_da: 'rang dans le groupe « {group} »',
      target_you: 'vous',
      target_axis_x: 'Votre rang',
      target_axis_y: "Chance d'être admis",
      target_caption: "La chance que {post} vous admette, selon votre rang ({basis}). En {year}, {n} candidats.",
      h_about: "Comment c'est calculé",
      about_sims: "amphi a simulé {sims} fois toute la procédure {year} ({procedure}), avec le modèle {model} (graine {seed}, {generated_by}). Chaque autre candidat y fait une liste tirée du modèle.",
      about_cut: "Pour chaque poste et chaque simulation, amphi garde son rang limite : le rang du dernier admis dans son classement quand le poste est plein, ou « ouvert » s'il lui reste une place.",
      about_rule: "Dans chaque simulation, vous obtenez le premier vœu de votre liste dont le rang limite vous admet : votre rang est inférieur ou égal au rang limite, ou le poste est resté ouvert. Votre chance est la part des simulations où cela arrive.",
      about_history: "Les rangs limites passés viennent des tableaux publiés : jusqu'en 2023 en rang national, depuis 2024 en rang dans le groupe de spécialités. Comparez-les au nombre de candidats de chaque année.",
      procedure_sd: 'un classement national, les candidats choisissent dans l’ordre',
      procedure_da: 'acceptation différée sur 13 classements par groupe de spécialités',
      credit: 'Données : LoicWebsite/ecn, licence CC BY-NC-SA. Calculs : amphi ({generated_by}), année {year}, {sims} simulations, modèle {model}.',
      csv_position: 'position',
      csv_post: 'poste',
      csv_label: 'libellé',
      csv_group: 'groupe',
      csv_rank: 'votre rang',
      csv_got: 'chance',
      csv_got_lo: 'chance_basse',
      csv_got_hi: 'chance_haute',
      csv_reach: 'à_portée',
      csv_reach_lo: 'à_portée_basse',
      csv_reach_hi: 'à_portée_haute',
      csv_none: 'aucun vœu',
      csv_file: 'amphi-voeux-{year}.csv',
      cesp: 'CESP',
      seats_one: '{n} poste',
      seats_many: '{n} postes',
    },
    en: {
      title: 'amphi: your odds at the internat',
      lead: 'Enter your ranks and build your wish list: the page computes your odds from amphi\'s simulations. Nothing is sent: everything stays in your browser.',
      loading: 'Loading the data…',
      no_data: 'The data (data.js) or the computation (odds.js) could not be loaded. Generate the site again with "amphi site --out DIR".',
      lang_button: 'Français',
      lang_button_lang: 'fr',
      h_ranks: 'Your ranks',
      ranks_hint_da: 'Since 2024 each group of specialties has its own ranking. Enter your rank in each group you wish in (1 to {max}). Wishes in a group left empty are refused.',
      ranks_hint_sd: 'In {year}, one national ranking: enter your national rank (1 to {max}).',
      rank_national: 'National rank',
      rank_invalid: 'A rank is a whole number, 1 or more.',
      rank_too_big: 'More than the candidates simulated ({max}): count yourself among the last.',
      h_list: 'Your wish list',
      search_label: 'Search a specialty and a city (e.g. "cardio lyon")',
      search_placeholder: 'cardio lyon',
      search_none: 'No post matches.',
      search_add: 'Add',
      search_added: 'already in the list',
      cesp_toggle: 'Show CESP posts (public service commitment contract)',
      wishes_empty: 'Your list is empty: search a post above, or paste a list.',
      up: 'Move up',
      down: 'Move down',
      remove: 'Remove',
      export: 'Export as CSV',
      clear: 'Clear the list',
      clear_confirm: 'Clear the whole list?',
      paste_summary: 'Paste a list',
      paste_label: 'One wish per line, in order: "MCA@Lyon", "Cardiologie@Lyon" or "cardio lyon".',
      paste_apply: 'Replace my list with this one',
      paste_ok: '{n} wish(es) read.',
      paste_line: 'Line {line} ("{text}"): {message}',
      paste_no_post: 'no post matches',
      paste_duplicate: 'already in the list',
      h_odds: 'Your odds',
      odds_hint: '"You get it": the chance of getting this wish (and not one above it). "Within reach": the chance that this post admits you, whatever the order of your list.',
      odds_empty: 'Add wishes to see your odds.',
      col_wish: 'Wish',
      col_got: 'You get it',
      col_reach: 'Within reach',
      col_post: 'Post',
      col_add: 'Add',
      none_row: 'None of your wishes',
      interval: '{lo} to {hi}',
      refused: 'Refused: give your rank in "{group}".',
      no_group: 'Refused: this specialty has no group in the data.',
      refused_sd: 'Enter your national rank to see your odds.',
      your_rank_here: 'your rank here: {rank}',
      history_summary: 'Past rangs limites {from}–{to}',
      history_year: 'Year',
      history_rank: 'Rang limite',
      history_basis: 'Ranking',
      history_count: 'Candidates',
      basis_national: 'national rank',
      basis_group: 'rank in the group',
      history_none: '—',
      intervals_noise: 'In small print: the 95 % interval. It covers the simulation noise ({sims} simulations).',
      intervals_model: 'In small print: the 95 % interval. It covers the simulation noise ({sims} simulations) and the model\'s error (its values are drawn again every {every} simulations).',
      intervals_not: 'It does not cover what the model does not foresee: a change of rules or of the number of posts, or other candidates choosing very differently from past years.',
      h_open: 'What is still open at your ranks',
      open_hint: 'Every post, with the chance that it admits you (that it is not full before your rank), whatever your list.',
      open_filter: 'Filter by specialty or subdivision',
      open_count: '{shown} posts shown of the {n} that admit you in at least one simulation.',
      open_need_rank: 'Enter at least one rank to see what is still open.',
      open_missing: 'Groups without a rank are left out: {groups}.',
      show_more: 'Show more',
      h_target: 'What rank for this post?',
      target_label: 'Choose a post (from your list, or search it)',
      target_none: 'Choose a post.',
      target_level: '{p} chance: {rank}',
      target_rank_or_better: 'rank {rank} or better',
      target_no_rank: 'no rank is enough',
      target_basis_sd: 'national rank',
      target_basis_da: 'rank in the group "{group}"',
      target_you: 'you',
      target_axis_x: 'Your rank',
      target_axis_y: 'Chance of admission',
      target_caption: 'The chance that {post} admits you, by your rank ({basis}). In {year}, {n} candidates.',
      h_about: 'How it is computed',
      about_sims: 'amphi simulated the whole {year} procedure {sims} times ({procedure}), with the model {model} (seed {seed}, {generated_by}). Every other candidate makes a list drawn from the model.',
      about_cut: 'For each post and each simulation, amphi keeps its rang limite: the rank of the last admitted in its ranking when the post is full, or "open" when it kept a seat.',
      about_rule: 'In each simulation you get the first wish of your list whose rang limite admits you: your rank is at most the rang limite, or the post stayed open. Your chance is the share of simulations where that happens.',
      about_history: 'The past rangs limites come from the published tables: national rank until 2023, rank within the group of specialties since 2024. Compare them with each year\'s number of candidates.',
      procedure_sd: 'one national ranking, candidates choose in turn',
      procedure_da: 'deferred acceptance over 13 group rankings',
      credit: 'Data: LoicWebsite/ecn, licence CC BY-NC-SA. Computed by amphi ({generated_by}), year {year}, {sims} simulations, model {model}.',
      csv_position: 'position',
      csv_post: 'post',
      csv_label: 'label',
      csv_group: 'group',
      csv_rank: 'your rank',
      csv_got: 'chance',
      csv_got_lo: 'chance_lo',
      csv_got_hi: 'chance_hi',
      csv_reach: 'within_reach',
      csv_reach_lo: 'within_reach_lo',
      csv_reach_hi: 'within_reach_hi',
      csv_none: 'none of the wishes',
      csv_file: 'amphi-wishes-{year}.csv',
      cesp: 'CESP',
      seats_one: '{n} post',
      seats_many: '{n} posts',
    },
  };

  const LANG_KEY = 'amphi-lang';
  let lang = readStorage(LANG_KEY) === 'en' ? 'en' : 'fr';

  function t(key, vars) {
    let s = STRINGS[lang][key];
    if (s === undefined) s = STRINGS.fr[key];
    if (s === undefined) s = key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
    return s;
  }

  // Numbers, one function per kind: "9 484" and "12,5 %" in French, "9,484" and "12.5%" in
  // English.
  let nfInt = null;
  let nfPct = null;
  function setFormats() {
    const loc = lang === 'fr' ? 'fr-FR' : 'en-GB';
    nfInt = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
    nfPct = new Intl.NumberFormat(loc, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
  function fmtInt(n) {
    return nfInt.format(n);
  }
  function pctNumber(p) {
    return nfPct.format(100 * p);
  }
  function fmtPct(p) {
    return lang === 'fr' ? pctNumber(p) + '\u00a0%' : pctNumber(p) + '%';
  }
  function fmtInterval(v) {
    return t('interval', { lo: pctNumber(v.lo), hi: fmtPct(v.hi) });
  }
  // The level of a chance: a class for colour, never the only carrier of meaning.
  function level(p) {
    if (p >= 0.8) return 'lv-high';
    if (p >= 0.2) return 'lv-mid';
    if (p >= 0.01) return 'lv-low';
    return 'lv-none';
  }

  function readStorage(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
  function writeStorage(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      // Private browsing or storage full: the page still works, without memory.
    }
  }

  function $(sel) {
    return document.querySelector(sel);
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // ---- data -------------------------------------------------------------------------------

  const data = self.AMPHI_DATA;
  const Odds = self.AmphiOdds;
  let site = null;
  const DA = data && data.procedure === 'da';
  const STORE_KEY = data ? 'amphi-site:' + data.year + ':' + data.procedure : '';
  const PAGE = 30;

  function postCode(i) {
    const p = data.posts[i];
    return data.des[p.des].code + '@' + data.subdivisions[p.sub] + (p.cesp ? '/CESP' : '');
  }
  function postName(i) {
    const p = data.posts[i];
    return data.des[p.des].name + ' · ' + data.subdivisions[p.sub];
  }
  function postGroup(i) {
    const g = data.des[data.posts[i].des].group;
    return g === null || g === undefined ? null : g;
  }
  function basisWords(b) {
    return b === 'group' ? t('basis_group') : t('basis_national');
  }
  const codeIndex = new Map();
  // The latest past rang limite of each post, to put the most sought first among equals.
  let lastRank = null;

  // ---- state ------------------------------------------------------------------------------

  const state = { ranks: [], wishes: [], cesp: false, target: null };
  let openShown = PAGE;

  function rankKey(i) {
    return DA ? data.groups[i].key : 'national';
  }
  function load() {
    const n = DA ? data.groups.length : 1;
    state.ranks = new Array(n).fill(null);
    const raw = readStorage(STORE_KEY);
    if (!raw) return;
    let saved = null;
    try {
      saved = JSON.parse(raw);
    } catch (e) {
      return;
    }
    // Ranks are kept by group key, so that a site generated again keeps them.
    if (saved.ranks && typeof saved.ranks === 'object') {
      for (let i = 0; i < n; i++) {
        const r = saved.ranks[rankKey(i)];
        state.ranks[i] = Number.isInteger(r) && r >= 1 ? r : null;
      }
    }
    // Wishes are kept as post names, so that a site generated again keeps the list.
    if (Array.isArray(saved.wishes)) {
      for (const code of saved.wishes) {
        const i = codeIndex.get(code);
        if (i !== undefined && !state.wishes.includes(i)) state.wishes.push(i);
      }
    }
    state.cesp = saved.cesp === true;
    if (typeof saved.target === 'string' && codeIndex.has(saved.target)) {
      state.target = codeIndex.get(saved.target);
    }
  }
  function save() {
    writeStorage(
      STORE_KEY,
      JSON.stringify({
        ranks: Object.fromEntries(state.ranks.map((r, i) => [rankKey(i), r])),
        wishes: state.wishes.map(postCode),
        cesp: state.cesp,
        target: state.target === null ? null : postCode(state.target),
      }),
    );
  }

  function addWish(i) {
    if (!state.wishes.includes(i)) state.wishes.push(i);
    save();
    renderAll();
  }
  function moveWish(from, to) {
    if (to < 0 || to >= state.wishes.length || from === to) return;
    const [w] = state.wishes.splice(from, 1);
    state.wishes.splice(to, 0, w);
    save();
    renderAll();
  }
  function removeWish(pos) {
    state.wishes.splice(pos, 1);
    save();
    renderAll();
  }

  // ---- ranks ------------------------------------------------------------------------------

  function buildRanks() {
    const box = $('#ranks');
    box.textContent = '';
    const fields = DA
      ? data.groups.map((g, i) => ({ id: 'rank-' + g.key, label: g.label, i, group: i }))
      : [{ id: 'rank', label: null, i: 0, group: null }];
    for (const f of fields) {
      const input = el('input', {
        id: f.id,
        type: 'number',
        inputmode: 'numeric',
        min: 1,
        step: 1,
        autocomplete: 'off',
      });
      if (state.ranks[f.i] !== null) input.value = String(state.ranks[f.i]);
      const msg = el('small', { class: 'field-error', id: f.id + '-error', 'aria-live': 'polite' });
      input.setAttribute('aria-describedby', f.id + '-error');
      input.addEventListener('input', () => {
        const v = input.value.trim();
        let r = null;
        msg.textContent = '';
        input.removeAttribute('aria-invalid');
        if (v !== '') {
          const n = Number(v);
          if (Number.isInteger(n) && n >= 1) {
            r = n;
            if (n > data.candidates) msg.textContent = t('rank_too_big', { max: fmtInt(data.candidates) });
          } else {
            input.setAttribute('aria-invalid', 'true');
            msg.textContent = t('rank_invalid');
          }
        }
        state.ranks[f.i] = r;
        save();
        renderResults();
        renderOdds();
        renderOpen();
        renderTarget();
      });
      const codes =
        f.group === null
          ? null
          : data.des
              .filter((d) => d.group === f.group)
              .map((d) => d.code)
              .join(', ');
      const label = el(
        'label',
        { for: f.id, 'data-i18n': f.label === null ? 'rank_national' : null, title: codes },
        f.label === null ? t('rank_national') : f.label,
      );
      box.append(
        el('div', { class: 'rank-field' }, label, codes ? el('small', { class: 'codes' }, codes) : null, input, msg),
      );
    }
  }
  function ranksForOdds() {
    return state.ranks.slice();
  }
  function rankFor(i) {
    const r = Odds.rankAt(site, ranksForOdds(), i);
    return r === undefined ? null : r;
  }

  // ---- search -----------------------------------------------------------------------------

  function searchPosts(query, limit) {
    if (!query.trim()) return [];
    return Odds.search(site, query, limit * 4)
      .filter((i) => state.cesp || !data.posts[i].cesp)
      .slice(0, limit);
  }
  function postLine(i) {
    const p = data.posts[i];
    return [
      el('span', { class: 'post-name' }, postName(i)),
      ' ',
      el('span', { class: 'post-code' }, postCode(i)),
      p.cesp ? el('span', { class: 'badge' }, t('cesp')) : null,
      ' ',
      el('span', { class: 'seats' }, t(p.seats === 1 ? 'seats_one' : 'seats_many', { n: fmtInt(p.seats) })),
    ];
  }
  function renderResults() {
    const ul = $('#results');
    ul.textContent = '';
    const q = $('#search').value;
    if (!q.trim()) return;
    const hits = searchPosts(q, 12);
    if (!hits.length) {
      ul.append(el('li', { class: 'empty' }, t('search_none')));
      return;
    }
    for (const i of hits) {
      const added = state.wishes.includes(i);
      const li = el(
        'li',
        {
          'data-post': i,
          tabindex: 0,
          role: 'button',
          class: added ? 'added' : null,
          'aria-label': t('search_add') + ' : ' + postName(i),
          onclick: () => addWish(i),
          onkeydown: (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              addWish(i);
              focusResult(i);
            } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const sib = e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling;
              if (sib) sib.focus();
              else if (e.key === 'ArrowUp') $('#search').focus();
            }
          },
        },
        ...postLine(i),
        added ? el('span', { class: 'added-note' }, ' · ' + t('search_added')) : null,
      );
      ul.append(li);
    }
  }
  function focusResult(i) {
    const li = document.querySelector('#results li[data-post="' + i + '"]');
    if (li) li.focus();
  }

  // ---- the list ---------------------------------------------------------------------------

  let dragFrom = null;
  function renderWishes() {
    const ol = $('#wishes');
    ol.textContent = '';
    $('#wishes-empty').hidden = state.wishes.length > 0;
    state.wishes.forEach((i, pos) => {
      const li = el(
        'li',
        { 'data-post': i, draggable: 'true' },
        el('span', { class: 'pos' }, String(pos + 1)),
        el('span', { class: 'wish-text' }, ...postLine(i)),
        el(
          'span',
          { class: 'wish-buttons' },
          el('button', { type: 'button', class: 'icon up', title: t('up'), 'aria-label': t('up') + ' : ' + postCode(i), disabled: pos === 0, onclick: () => moveWish(pos, pos - 1) }, '↑'),
          el('button', { type: 'button', class: 'icon down', title: t('down'), 'aria-label': t('down') + ' : ' + postCode(i), disabled: pos === state.wishes.length - 1, onclick: () => moveWish(pos, pos + 1) }, '↓'),
          el('button', { type: 'button', class: 'icon remove', title: t('remove'), 'aria-label': t('remove') + ' : ' + postCode(i), onclick: () => removeWish(pos) }, '×'),
        ),
      );
      li.addEventListener('dragstart', (e) => {
        dragFrom = pos;
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', postCode(i));
        li.classList.add('dragging');
      });
      li.addEventListener('dragend', () => li.classList.remove('dragging'));
      li.addEventListener('dragover', (e) => {
        if (dragFrom !== null) e.preventDefault();
      });
      li.addEventListener('drop', (e) => {
        e.preventDefault();
        if (dragFrom !== null) moveWish(dragFrom, pos);
        dragFrom = null;
      });
      ol.append(li);
    });
  }

  // odds.js's messages on a pasted line, in the page's language.
  const PASTE_MESSAGES = { 'no post matches': 'paste_no_post', 'already in the list': 'paste_duplicate' };
  function applyPaste() {
    const res = Odds.parseList(site, $('#paste').value);
    const out = $('#paste-errors');
    out.textContent = '';
    const seen = [];
    for (const w of res.wishes) if (!seen.includes(w)) seen.push(w);
    state.wishes = seen;
    if (seen.some((i) => data.posts[i].cesp) && !state.cesp) {
      state.cesp = true;
      $('#cesp').checked = true;
    }
    save();
    out.append(el('li', { class: 'ok' }, t('paste_ok', { n: seen.length })));
    for (const e of res.errors) {
      const key = PASTE_MESSAGES[e.message];
      const message = key ? t(key) : e.message;
      out.append(el('li', { class: 'error', 'data-line': e.line }, t('paste_line', { line: e.line, text: e.text.trim(), message })));
    }
    renderAll();
  }

  // ---- odds -------------------------------------------------------------------------------

  function historyBox(i) {
    const h = data.history;
    if (!h || !h.years || !h.years.length) return null;
    const ranks = (h.ranks && h.ranks[i]) || [];
    const rows = h.years.map((y, k) => {
      const r = ranks[k];
      const count = h.counts ? h.counts[k] : null;
      return el(
        'tr',
        null,
        el('td', null, String(y)),
        el('td', { class: 'num' }, r === null || r === undefined ? t('history_none') : fmtInt(r)),
        el('td', null, basisWords(h.basis[k])),
        el('td', { class: 'num' }, count === null || count === undefined ? t('history_none') : fmtInt(count)),
      );
    });
    const known = h.years.filter((y, k) => ranks[k] !== null && ranks[k] !== undefined);
    const short = h.years
      .map((y, k) => (ranks[k] === null || ranks[k] === undefined ? null : y + '\u00a0: ' + fmtInt(ranks[k])))
      .filter(Boolean)
      .slice(-3)
      .join(' · ');
    return el(
      'details',
      { class: 'hist' },
      el(
        'summary',
        null,
        t('history_summary', { from: h.years[0], to: h.years[h.years.length - 1] }),
        known.length ? el('span', { class: 'hist-short' }, ' (' + short + ')') : null,
      ),
      el(
        'table',
        { class: 'hist-table' },
        el(
          'thead',
          null,
          el(
            'tr',
            null,
            el('th', { scope: 'col' }, t('history_year')),
            el('th', { scope: 'col' }, t('history_rank')),
            el('th', { scope: 'col' }, t('history_basis')),
            el('th', { scope: 'col' }, t('history_count')),
          ),
        ),
        el('tbody', null, ...rows),
      ),
    );
  }
  function chanceCell(v, cls) {
    return el(
      'td',
      { class: 'c-pct ' + cls + ' ' + level(v.p), 'data-label': t(cls === 'got' ? 'col_got' : 'col_reach') },
      el('span', { class: 'pct' }, fmtPct(v.p)),
      el('small', { class: 'ci' }, fmtInterval(v)),
    );
  }
  function setNumbers(tr, v) {
    tr.setAttribute('data-p', String(v.p));
    tr.setAttribute('data-lo', String(v.lo));
    tr.setAttribute('data-hi', String(v.hi));
  }
  let lastOdds = null;
  function renderOdds() {
    const tbody = $('#odds tbody');
    tbody.textContent = '';
    lastOdds = null;
    $('#intervals-note').textContent = '';
    if (!state.wishes.length) {
      tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: 4 }, t('odds_empty'))));
      return;
    }
    const ranks = ranksForOdds();
    const res = Odds.odds(site, ranks, state.wishes);
    lastOdds = res;
    res.wishes.forEach((w, pos) => {
      const i = w.post;
      const r = rankFor(i);
      const g = postGroup(i);
      let note = null;
      if (r === null) {
        note = el(
          'p',
          { class: 'refused' },
          DA && g !== null ? t('refused', { group: data.groups[g].label }) : DA ? t('no_group') : t('refused_sd'),
        );
      } else {
        note = el(
          'small',
          { class: 'your-rank' },
          t('your_rank_here', { rank: fmtInt(r) }) + (DA && g !== null ? ' (' + data.groups[g].label + ')' : ''),
        );
      }
      const tr = el(
        'tr',
        { 'data-post': i, class: r === null ? 'refused-row' : null },
        el('td', { class: 'c-num' }, String(pos + 1)),
        el('td', { class: 'c-wish' }, ...postLine(i), el('br'), note, historyBox(i)),
        chanceCell(w.got, 'got'),
        chanceCell(w.reach, 'reach'),
      );
      setNumbers(tr, w.got);
      tr.setAttribute('data-reach', String(w.reach.p));
      tr.setAttribute('data-or-better', String(w.orBetter.p));
      tbody.append(tr);
    });
    const none = el(
      'tr',
      { class: 'none' },
      el('td', { class: 'c-num' }, ''),
      el('td', { class: 'c-wish' }, el('strong', null, t('none_row'))),
      chanceCell(res.none, 'got'),
      el('td', { class: 'c-pct' }, ''),
    );
    setNumbers(none, res.none);
    tbody.append(none);
    const note = data.model_error_every
      ? t('intervals_model', { sims: fmtInt(data.sims), every: fmtInt(data.model_error_every) })
      : t('intervals_noise', { sims: fmtInt(data.sims) });
    $('#intervals-note').textContent = note + ' ' + t('intervals_not');
  }

  // ---- what is open -----------------------------------------------------------------------

  function matchesFilter(i, words) {
    if (!words.length) return true;
    // The words odds.js searches: code, names, subdivision and its other names.
    const hay = site.haystacks[i];
    return words.every((w) => hay.some((h) => h.startsWith(w)));
  }
  function renderOpen() {
    const tbody = $('#open tbody');
    tbody.textContent = '';
    const more = $('#open-more');
    const button = $('#open-more-button');
    more.textContent = '';
    button.hidden = true;
    const ranks = ranksForOdds();
    if (!ranks.some((r) => r !== null)) {
      more.textContent = t('open_need_rank');
      return;
    }
    const reach = Odds.reach(site, ranks);
    const words = Odds.normalize($('#open-filter').value).split(' ').filter(Boolean);
    const list = [];
    for (let i = 0; i < data.posts.length; i++) {
      if (reach[i] <= 0) continue;
      if (data.posts[i].cesp && !state.cesp) continue;
      if (rankFor(i) === null) continue;
      if (!matchesFilter(i, words)) continue;
      list.push(i);
    }
    list.sort((a, b) => reach[b] - reach[a] || lastRank[a] - lastRank[b] || a - b);
    const shown = list.slice(0, openShown);
    for (const i of shown) {
      const v = reach[i];
      const wished = state.wishes.includes(i);
      tbody.append(
        el(
          'tr',
          { 'data-open': i, 'data-reach': String(v) },
          el('td', { class: 'c-wish' }, ...postLine(i)),
          el('td', { class: 'c-pct ' + level(v) }, el('span', { class: 'pct' }, fmtPct(v))),
          el(
            'td',
            { class: 'c-add' },
            el('button', { type: 'button', class: 'icon add', title: t('search_add'), 'aria-label': t('search_add') + ' : ' + postCode(i), disabled: wished, onclick: () => addWish(i) }, wished ? '✓' : '+'),
          ),
        ),
      );
    }
    const parts = [t('open_count', { shown: fmtInt(shown.length), n: fmtInt(list.length) })];
    if (DA) {
      const missing = data.groups.filter((g, k) => ranks[k] === null).map((g) => g.label);
      if (missing.length) parts.push(t('open_missing', { groups: missing.join(', ') }));
    }
    more.textContent = parts.join(' ');
    button.hidden = list.length <= shown.length;
  }

  // ---- target -----------------------------------------------------------------------------

  function renderTargetChoices() {
    const sel = $('#target-post');
    sel.textContent = '';
    const choices = state.wishes.slice();
    if (state.target !== null && !choices.includes(state.target)) choices.push(state.target);
    if (state.target === null && choices.length) state.target = choices[0];
    if (!choices.length) sel.append(el('option', { value: '' }, t('target_none')));
    for (const i of choices) {
      sel.append(el('option', { value: i, selected: i === state.target }, postCode(i) + ' · ' + postName(i)));
    }
  }
  function renderTargetResults() {
    const ul = $('#target-results');
    ul.textContent = '';
    const q = $('#target-search').value;
    if (!q.trim()) return;
    const hits = searchPosts(q, 8);
    if (!hits.length) ul.append(el('li', { class: 'empty' }, t('search_none')));
    for (const i of hits) {
      const choose = () => {
        state.target = i;
        $('#target-search').value = '';
        save();
        renderTarget();
      };
      ul.append(
        el(
          'li',
          {
            'data-post': i,
            tabindex: 0,
            role: 'button',
            onclick: choose,
            onkeydown: (e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                choose();
              }
            },
          },
          ...postLine(i),
        ),
      );
    }
  }
  function curveSvg(tg, you, caption, width) {
    // Drawn at the width it is shown, so that its words keep their size on a phone.
    const W = Math.round(Math.max(300, Math.min(720, width || 640)));
    const H = Math.round(Math.max(220, Math.min(320, W * 0.5)));
    const m = { l: 64, r: 14, t: 14, b: 46 };
    const N = Math.max(1, data.candidates);
    const x = (r) => m.l + ((W - m.l - m.r) * (r - 1)) / Math.max(1, N - 1);
    const y = (p) => m.t + (H - m.t - m.b) * (1 - p);
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('class', 'curve');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', caption);
    const s = (tag, attrs, text) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = text;
      svg.append(e);
      return e;
    };
    for (const p of [0, 0.25, 0.5, 0.75, 1]) {
      s('line', { x1: m.l, x2: W - m.r, y1: y(p), y2: y(p), class: 'grid' });
      s('text', { x: m.l - 6, y: y(p) + 4, 'text-anchor': 'end', class: 'tick' }, fmtPct(p).replace(',0', '').replace('.0', ''));
    }
    // Round ticks: 1, then multiples of 1, 2 or 5 times a power of ten, about four of them.
    const raw = N / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
    const step = [1, 2, 5, 10].map((f) => f * mag).find((v) => v >= raw * 0.75) || mag * 10;
    const ticks = [1];
    for (let r = step; r <= N; r += step) if (x(N) - x(r) > 28 || r === N) ticks.push(r);
    for (const r of ticks) {
      s('line', { x1: x(r), x2: x(r), y1: H - m.b, y2: H - m.b + 5, class: 'axis' });
      s('text', { x: x(r), y: H - m.b + 18, 'text-anchor': r === 1 ? 'start' : x(N) - x(r) < 20 ? 'end' : 'middle', class: 'tick' }, fmtInt(r));
    }
    s('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, class: 'axis' });
    s('line', { x1: m.l, x2: m.l, y1: m.t, y2: H - m.b, class: 'axis' });
    s('text', { x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, t('target_axis_x'));
    s('text', { x: 12, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', class: 'label', transform: 'rotate(-90 12 ' + (m.t + H - m.b) / 2 + ')' }, t('target_axis_y'));
    const pts = tg.curve
      .filter((c) => c.rank >= 1)
      .map((c) => x(Math.min(c.rank, N)).toFixed(1) + ',' + y(c.p).toFixed(1))
      .join(' ');
    s('polyline', { points: pts, class: 'line' });
    for (const lv of tg.levels) {
      if (lv.rank === null || lv.rank === undefined) continue;
      s('circle', { cx: x(Math.min(lv.rank, N)), cy: y(lv.p), r: 4, class: 'dot' });
    }
    if (you !== null && you !== undefined && you <= N) {
      s('line', { x1: x(you), x2: x(you), y1: m.t, y2: H - m.b, class: 'you' });
      s('text', { x: x(you) + 4, y: m.t + 12, class: 'you-label', 'text-anchor': x(you) > W - 80 ? 'end' : 'start' }, t('target_you'));
    }
    return svg;
  }
  function renderTarget() {
    renderTargetChoices();
    renderTargetResults();
    const out = $('#target-out');
    out.textContent = '';
    const i = state.target;
    if (i === null) {
      out.append(el('p', { class: 'hint' }, t('target_none')));
      return;
    }
    const tg = Odds.target(site, i, [0.5, 0.8, 0.95]);
    const g = postGroup(i);
    const basis = DA ? (g === null ? t('basis_group') : t('target_basis_da', { group: data.groups[g].label })) : t('target_basis_sd');
    const ul = el('ul', { class: 'levels' });
    for (const lv of tg.levels) {
      ul.append(
        el(
          'li',
          { 'data-level': lv.p, 'data-rank': lv.rank === null ? '' : lv.rank },
          t('target_level', {
            p: fmtPct(lv.p).replace(',0', '').replace('.0', ''),
            rank: lv.rank === null || lv.rank === undefined ? t('target_no_rank') : t('target_rank_or_better', { rank: fmtInt(lv.rank) }),
          }),
        ),
      );
    }
    const caption = t('target_caption', { post: postCode(i), basis, year: data.year, n: fmtInt(data.candidates) });
    out.append(
      el('p', { class: 'target-name' }, ...postLine(i)),
      ul,
      el('figure', null, curveSvg(tg, rankFor(i), caption, out.clientWidth), el('figcaption', { class: 'hint' }, caption)),
    );
  }

  // ---- words that depend on the data -----------------------------------------------------

  function renderAbout() {
    const vars = {
      sims: fmtInt(data.sims),
      year: data.year,
      model: data.model,
      seed: data.seed,
      generated_by: data.generated_by,
      procedure: t(DA ? 'procedure_da' : 'procedure_sd'),
    };
    const body = $('#about-body');
    body.textContent = '';
    for (const key of ['about_sims', 'about_cut', 'about_rule']) body.append(el('p', null, t(key, vars)));
    body.append(
      el(
        'p',
        null,
        data.model_error_every
          ? t('intervals_model', { sims: fmtInt(data.sims), every: fmtInt(data.model_error_every) })
          : t('intervals_noise', { sims: fmtInt(data.sims) }),
        ' ',
        t('intervals_not'),
      ),
    );
    body.append(el('p', null, t('about_history')));
    $('#credit').textContent = t('credit', vars);
    $('#ranks-hint').textContent = DA
      ? t('ranks_hint_da', { max: fmtInt(data.candidates) })
      : t('ranks_hint_sd', { year: data.year, max: fmtInt(data.candidates) });
    $('#odds-hint').textContent = t('odds_hint');
  }

  function applyLang() {
    document.documentElement.lang = lang;
    setFormats();
    document.title = t('title');
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.getAttribute('data-i18n'));
    for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.getAttribute('data-i18n-placeholder'));
    const b = $('#lang');
    b.textContent = t('lang_button');
    b.setAttribute('lang', t('lang_button_lang'));
  }

  function renderAll() {
    renderResults();
    renderWishes();
    renderOdds();
    renderOpen();
    renderTarget();
  }

  // ---- CSV --------------------------------------------------------------------------------

  function csvCell(s) {
    s = String(s);
    return /[;"\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  // The French spreadsheet style whatever the page's language (French spreadsheets are the
  // ones that open it): `;` between cells, a decimal comma, a BOM for the accents.
  function csvNumber(x) {
    return x === null || x === undefined ? '' : x.toFixed(4).replace('.', ',');
  }
  function exportCsv() {
    const sep = ';';
    const header = ['csv_position', 'csv_post', 'csv_label', 'csv_group', 'csv_rank', 'csv_got', 'csv_got_lo', 'csv_got_hi', 'csv_reach', 'csv_reach_lo', 'csv_reach_hi'].map(t);
    const lines = [header.map(csvCell).join(sep)];
    const res = lastOdds || Odds.odds(site, ranksForOdds(), state.wishes);
    res.wishes.forEach((w, pos) => {
      const g = postGroup(w.post);
      const r = rankFor(w.post);
      lines.push(
        [
          pos + 1,
          postCode(w.post),
          postName(w.post),
          DA && g !== null ? data.groups[g].label : '',
          r === null ? '' : r,
          csvNumber(w.got.p),
          csvNumber(w.got.lo),
          csvNumber(w.got.hi),
          csvNumber(w.reach.p),
          csvNumber(w.reach.lo),
          csvNumber(w.reach.hi),
        ]
          .map(csvCell)
          .join(sep),
      );
    });
    lines.push(['', '', t('csv_none'), '', '', csvNumber(res.none.p), csvNumber(res.none.lo), csvNumber(res.none.hi), '', '', ''].map(csvCell).join(sep));
    const blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    const a = el('a', { href: URL.createObjectURL(blob), download: t('csv_file', { year: data.year }) });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // ---- start ------------------------------------------------------------------------------

  function wire() {
    $('#lang').addEventListener('click', () => {
      lang = lang === 'fr' ? 'en' : 'fr';
      writeStorage(LANG_KEY, lang);
      applyLang();
      buildRanks();
      renderAbout();
      renderAll();
    });
    const search = $('#search');
    search.addEventListener('input', renderResults);
    search.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        const first = $('#results li[data-post]');
        if (first) {
          e.preventDefault();
          first.focus();
        }
      } else if (e.key === 'Enter') {
        const first = $('#results li[data-post]');
        if (first) {
          e.preventDefault();
          addWish(Number(first.getAttribute('data-post')));
        }
      }
    });
    $('#cesp').addEventListener('change', (e) => {
      state.cesp = e.target.checked;
      save();
      renderAll();
    });
    // Opening the box puts the list there as text, to edit it; the click comes before the
    // box opens, so that nothing typed after it is overwritten.
    $('#paste-box summary').addEventListener('click', () => {
      const area = $('#paste');
      if (!$('#paste-box').open && !area.value.trim()) area.value = state.wishes.map(postCode).join('\n');
    });
    $('#paste-apply').addEventListener('click', applyPaste);
    $('#export').addEventListener('click', exportCsv);
    $('#clear').addEventListener('click', () => {
      if (!state.wishes.length || !window.confirm(t('clear_confirm'))) return;
      state.wishes = [];
      save();
      renderAll();
    });
    $('#open-filter').addEventListener('input', () => {
      openShown = PAGE;
      renderOpen();
    });
    $('#open-more-button').addEventListener('click', () => {
      openShown += PAGE;
      renderOpen();
    });
    $('#target-post').addEventListener('change', (e) => {
      if (e.target.value === '') return;
      state.target = Number(e.target.value);
      save();
      renderTarget();
    });
    $('#target-search').addEventListener('input', renderTargetResults);
    let lastWidth = window.innerWidth;
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (window.innerWidth === lastWidth) return;
        lastWidth = window.innerWidth;
        renderTarget();
      }, 150);
    });
  }

  function start() {
    applyLang();
    if (!data || !Odds) {
      $('#loading').hidden = true;
      const f = $('#fatal');
      f.textContent = t('no_data');
      f.hidden = false;
      return;
    }
    site = Odds.load(data);
    data.posts.forEach((p, i) => codeIndex.set(postCode(i), i));
    lastRank = data.posts.map((p, i) => {
      const r = ((data.history && data.history.ranks && data.history.ranks[i]) || []).filter((x) => x !== null && x !== undefined);
      return r.length ? r[r.length - 1] : Number.MAX_SAFE_INTEGER;
    });
    load();
    $('#cesp').checked = state.cesp;
    buildRanks();
    renderAbout();
    wire();
    $('#loading').hidden = true;
    for (const id of ['ranks-section', 'list-section', 'odds-section', 'open-section', 'target-section', 'about']) {
      document.getElementById(id).hidden = false;
    }
    renderAll();
    document.body.dataset.ready = '1';
  }

  start();

  // Offline: the service worker caches the page's five files; it needs http(s).
  if ('serviceWorker' in navigator && /^https?:$/.test(window.location.protocol)) {
    window.addEventListener('load', () => {
      navigator.serviceWorker.register('sw.js').catch(() => {});
    });
  }
})();
