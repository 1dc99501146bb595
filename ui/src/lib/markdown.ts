// The small Markdown subset tutorials use (paragraphs, `- ` lists, **bold**, *emphasis*, `code`,
// fenced code), rendered to HTML with everything escaped first: tutorial files are text, never markup,
// and the popover sets the result as innerHTML.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function inline(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>");
}

export function renderMarkdown(text: string): string {
  const out: string[] = [];
  let para: string[] = [];
  let list: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(" "))}</p>`);
    if (list.length) out.push(`<ul>${list.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`);
    para = [];
    list = [];
  };
  for (const line of text.split("\n")) {
    if (line.trim().startsWith("```")) {
      if (code) {
        out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
        code = null;
      } else {
        flush();
        code = [];
      }
    } else if (code) {
      code.push(line);
    } else if (line.trim() === "") {
      flush();
    } else if (/^\s*[-*] /.test(line)) {
      if (para.length) flush();
      list.push(line.replace(/^\s*[-*] /, ""));
    } else if (list.length && /^\s+/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
    } else {
      if (list.length) flush();
      para.push(line.trim());
    }
  }
  if (code) out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
  flush();
  return out.join("");
}
