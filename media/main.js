// @ts-check
// The Loupe sidebar page. It draws the form, results and status, and talks to the extension with
// the messages in src/extension/sidebarProtocol.ts. Results come grouped by file in rank order;
// each file shows its best chunks (more on request) with their lines, and the terms the server
// matched (ranges it sends) in <mark>. Every piece of file text goes into the DOM through
// textContent or text nodes, never innerHTML: a snippet holding <script> must show as text.

/** @typedef {import('../src/extension/sidebarProtocol').FromWebview} FromWebview */
/** @typedef {import('../src/extension/sidebarProtocol').ToWebview} ToWebview */
/** @typedef {import('../src/extension/sidebarProtocol').SidebarQuery} SidebarQuery */
/** @typedef {import('../src/extension/sidebarProtocol').SidebarHit} SidebarHit */
/** @typedef {import('../src/extension/sidebarProtocol').ErrorField} ErrorField */
/** @typedef {import('../src/extension/hitText').FileHits<SidebarHit>} FileHits */
/** @typedef {{ form: SidebarQuery, title: string, files: FileHits[], images: boolean, tookMs?: number }} PageState */

(function () {
  // @ts-ignore -- provided by VS Code inside webviews
  const vscode = acquireVsCodeApi();
  const TYPE_DEBOUNCE_MS = 250;
  /** Chunks shown per file before "more in this file". */
  const SHOWN_PER_FILE = 3;

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const fields = /** @type {const} */ (['query', 'mode', 'language', 'kind', 'glob', 'since', 'expr']);
  const inputs = /** @type {Record<typeof fields[number], HTMLInputElement | HTMLSelectElement>} */ (
    Object.fromEntries(fields.map((f) => [f, $(f)]))
  );
  const results = $('results');
  const errors = { query: $('query-error'), expr: $('expr-error'), image: $('image-error') };

  /** @type {PageState} */
  const saved = vscode.getState();
  // State saved by an older page held a flat `hits` list: start afresh rather than draw it wrongly.
  let state = saved && Array.isArray(saved.files) ? saved : { form: readForm(), title: '', files: [], images: false };
  let seq = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {number | undefined} */
  let lastTookMs = state.tookMs;
  /** @type {ToWebview & { type: 'status' } | undefined} */
  let lastStatus;

  /** @param {FromWebview} msg */
  const post = (msg) => vscode.postMessage(msg);

  /** @returns {SidebarQuery} */
  function readForm() {
    return {
      query: inputs.query.value,
      mode: /** @type {SidebarQuery['mode']} */ (inputs.mode.value),
      language: inputs.language.value,
      kind: inputs.kind.value,
      glob: inputs.glob.value,
      since: inputs.since.value,
      expr: inputs.expr.value,
    };
  }

  /** @param {SidebarQuery} form */
  function writeForm(form) {
    for (const f of fields) inputs[f].value = form[f] ?? '';
    showMode();
  }

  function save() {
    vscode.setState(state);
  }

  function showMode() {
    document.body.classList.toggle('image-mode', inputs.mode.value === 'image');
  }

  function clearErrors() {
    for (const el of Object.values(errors)) {
      el.hidden = true;
      el.replaceChildren();
    }
  }

  function search() {
    if (timer) clearTimeout(timer);
    const form = readForm();
    state = { ...state, form };
    save();
    const filtered = form.mode !== 'image' && (form.language || form.kind || form.glob || form.since || form.expr.trim());
    if (form.query.trim() === '' && !filtered) {
      clearErrors();
      render({ title: '', files: [], images: false });
      return;
    }
    seq += 1;
    results.setAttribute('aria-busy', 'true');
    post({ type: 'search', seq, request: form });
  }

  function searchSoon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(search, TYPE_DEBOUNCE_MS);
  }

  /**
   * `text` as text nodes, the server's match ranges ([start, end), ascending) in <mark>s.
   * @param {string} text @param {Array<[number, number]> | undefined} ranges @returns {Node[]}
   */
  function highlighted(text, ranges) {
    /** @type {Node[]} */
    const nodes = [];
    let at = 0;
    for (const [start, end] of ranges || []) {
      if (start < at || end <= start || end > text.length) continue; // not ours to trust blindly
      if (start > at) nodes.push(document.createTextNode(text.slice(at, start)));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(start, end);
      nodes.push(mark);
      at = end;
    }
    if (at < text.length || nodes.length === 0) nodes.push(document.createTextNode(text.slice(at)));
    return nodes;
  }

  /** @param {string} tag @param {string} cls @param {string} [text] */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** @param {SidebarHit} hit */
  const lines = (hit) => (hit.endLine > hit.startLine ? `${hit.startLine + 1}–${hit.endLine + 1}` : `${hit.startLine + 1}`);

  /** @param {SidebarHit} hit @param {boolean} image */
  function open(hit, image) {
    post({ type: 'open', uri: hit.uri, startLine: hit.startLine, endLine: hit.endLine, image });
  }

  /** @param {SidebarHit} hit @param {boolean} image */
  function moreLike(hit, image) {
    seq += 1;
    results.setAttribute('aria-busy', 'true');
    post({ type: 'moreLikeThis', seq, uri: hit.uri, startLine: hit.startLine, endLine: hit.endLine, image });
  }

  /** A "more like this" button that does not also open the hit. @param {SidebarHit} hit @param {boolean} image */
  function moreButton(hit, image) {
    const b = /** @type {HTMLButtonElement} */ (el('button', 'more', 'More like this'));
    b.type = 'button';
    b.tabIndex = -1;
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      moreLike(hit, image);
    });
    return b;
  }

  /** Makes `node` an option that opens `hit` on click or Enter. @param {HTMLElement} node @param {SidebarHit} hit @param {boolean} image */
  function activatable(node, hit, image) {
    node.tabIndex = 0;
    node.setAttribute('role', 'option');
    node.addEventListener('click', () => open(hit, image));
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') open(hit, image);
    });
  }

  /** One chunk of a file: symbol, kind, lines, "more like this", the snippet. @param {SidebarHit} hit */
  function hitRow(hit) {
    const item = el('div', 'hit');
    const symbol = el('span', 'hit-symbol');
    if (hit.symbol) symbol.append(...highlighted(hit.symbol, hit.symbolMatches));
    else symbol.textContent = hit.kind;
    const head = el('div', 'hit-head');
    head.append(symbol, el('span', 'hit-kind', hit.kind), el('span', 'hit-lines', `L${lines(hit)}`), moreButton(hit, false));
    const snippet = el('pre', 'snippet');
    snippet.append(...highlighted(hit.snippet, hit.snippetMatches));
    item.append(head, snippet);
    item.title = `${hit.path}:${lines(hit)}`;
    activatable(item, hit, false);
    return item;
  }

  /** Files in rank order, each with its best chunks and the rest behind a button. @param {FileHits[]} files */
  function renderText(files) {
    for (const group of files) {
      const file = el('section', 'file');
      const header = el('div', 'file-header');
      const count = group.hits.length > 1 ? `${group.hits.length} chunks` : '';
      header.append(el('span', 'file-name', group.path.split('/').pop() || group.path), el('span', 'file-path', group.path), el('span', 'file-count', count));
      file.append(header);
      const rows = group.hits.map(hitRow);
      rows.forEach((row, i) => (row.hidden = i >= SHOWN_PER_FILE));
      file.append(...rows);
      if (rows.length > SHOWN_PER_FILE) {
        const rest = rows.length - SHOWN_PER_FILE;
        const more = /** @type {HTMLButtonElement} */ (el('button', 'file-more', `${rest} more in this file`));
        more.type = 'button';
        more.addEventListener('click', () => {
          for (const row of rows) row.hidden = false;
          more.remove();
          rows[SHOWN_PER_FILE].focus();
        });
        file.append(more);
      }
      results.append(file);
    }
  }

  /** @param {SidebarHit[]} hits */
  function renderImages(hits) {
    const grid = el('div', 'grid');
    for (const hit of hits) {
      const cell = el('figure', 'hit image-hit');
      const img = /** @type {HTMLImageElement} */ (el('img', 'thumb'));
      img.loading = 'lazy';
      img.alt = hit.path;
      if (hit.thumbnail) img.src = hit.thumbnail;
      const caption = el('figcaption', 'caption', hit.path);
      cell.append(img, caption, moreButton(hit, true));
      cell.title = hit.path;
      activatable(cell, hit, true);
      grid.append(cell);
    }
    results.append(grid);
  }

  /** @param {{ title: string, files: FileHits[], images: boolean }} view */
  function render(view) {
    results.replaceChildren();
    results.removeAttribute('aria-busy');
    const count = view.files.reduce((n, f) => n + f.hits.length, 0);
    const inFiles = !view.images && view.files.length > 1 ? ` in ${view.files.length} files` : '';
    $('title').textContent = view.title ? `${count} results${inFiles} · ${view.title}` : '';
    if (view.title && count === 0) results.append(el('div', 'empty', 'No results'));
    if (view.images) renderImages(view.files.flatMap((f) => f.hits));
    else renderText(view.files);
  }

  /** @param {ErrorField} field @param {string} message @param {number | undefined} position */
  function showError(field, message, position) {
    results.removeAttribute('aria-busy');
    const target = field === 'none' ? errors.query : errors[field];
    const named = position === undefined || /position \d/.test(message);
    target.replaceChildren(el('div', 'error-message', named ? message : `${message} (position ${position})`));
    if (field === 'expr' && position !== undefined) {
      // The expression with a caret under the offending character (the server saw it trimmed).
      const shown = inputs.expr.value.trim();
      const pre = el('pre', 'caret');
      pre.textContent = `${shown}\n${' '.repeat(Math.min(position, shown.length))}^`;
      target.append(pre);
    }
    target.hidden = false;
    results.replaceChildren();
    $('title').textContent = '';
  }

  function renderStatus() {
    if (!lastStatus) return;
    const s = lastStatus.status;
    const skipped = Object.values(s.skipped || {}).reduce((a, b) => a + (b || 0), 0);
    const parts = [
      lastStatus.serverRunning ? s.state : 'server stopped',
      `${s.files} files`,
      `${s.chunks} chunks`,
      `${s.images} images`,
      `${skipped} skipped`,
      `model ${s.model.text || 'none'}`,
    ];
    if (lastTookMs !== undefined) parts.push(`last query ${Math.round(lastTookMs)} ms`);
    $('status').textContent = parts.join(' · ');
    $('status').title = s.message || '';
  }

  window.addEventListener('message', (event) => {
    /** @type {ToWebview} */
    const msg = event.data;
    switch (msg.type) {
      case 'status':
        lastStatus = msg;
        renderStatus();
        return;
      case 'busy':
        seq = Math.max(seq, msg.seq);
        results.setAttribute('aria-busy', 'true');
        $('title').textContent = msg.title;
        return;
      case 'results':
        if (msg.seq < seq && msg.seq !== 0) return; // an answer to a query typed over since
        clearErrors();
        lastTookMs = msg.tookMs;
        state = { ...state, title: msg.title, files: msg.files, images: msg.images, tookMs: msg.tookMs };
        save();
        render(state);
        renderStatus();
        return;
      case 'error':
        if (msg.seq < seq && msg.seq !== 0) return;
        clearErrors();
        showError(msg.field, msg.message, msg.position);
        return;
    }
  });

  // Typing searches after a pause; selects and Enter search at once.
  for (const f of ['query', 'glob', 'expr']) inputs[/** @type {'query'} */ (f)].addEventListener('input', searchSoon);
  for (const f of ['mode', 'language', 'kind', 'since']) {
    inputs[/** @type {'mode'} */ (f)].addEventListener('change', () => {
      showMode();
      search();
    });
  }
  $('form').addEventListener('submit', (e) => {
    e.preventDefault();
    search();
  });

  // Up/down move between results (and from the query box into them); Enter opens (see activatable).
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const active = document.activeElement;
    if (active instanceof HTMLSelectElement) return;
    const hits = /** @type {HTMLElement[]} */ ([...results.querySelectorAll('.hit:not([hidden])')]);
    if (hits.length === 0) return;
    const i = hits.indexOf(/** @type {HTMLElement} */ (active));
    if (i === -1 && active !== inputs.query) return;
    e.preventDefault();
    if (e.key === 'ArrowDown') hits[Math.min(hits.length - 1, i + 1)].focus();
    else if (i <= 0) inputs.query.focus();
    else hits[i - 1].focus();
  });

  $('choose-image').addEventListener('click', () => {
    seq += 1;
    post({ type: 'chooseImage', seq });
  });

  /** Sends an image file (pasted or dropped) to search by. @param {File} file */
  function searchByFile(file) {
    if (!file.type.startsWith('image/')) {
      showError('image', `${file.name || 'that'} is not an image`, undefined);
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      seq += 1;
      results.setAttribute('aria-busy', 'true');
      post({ type: 'searchImageBytes', seq, name: file.name || 'pasted image', base64: url.slice(url.indexOf(',') + 1) });
    };
    reader.readAsDataURL(file);
  }
  document.addEventListener('paste', (e) => {
    const file = [...(e.clipboardData?.files || [])][0];
    if (file) {
      e.preventDefault();
      searchByFile(file);
    }
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    const file = [...(e.dataTransfer?.files || [])][0];
    if (file) {
      e.preventDefault();
      searchByFile(file);
    }
  });

  writeForm(state.form);
  if (state.title) render(state);
  post({ type: 'ready' });
})();
