/* htmlsan.h - an allowlist HTML sanitizer on the gumbo HTML5 parser (prefix htmlsan_).
 *
 * HTML is parsed as browsers parse it (gumbo, as a fragment inside a <div>)
 * and written back with only what the allowlist keeps; character references
 * are decoded by the parser before any check, so "jav&#x09;ascript:" is
 * "javascript:". Two allowlists:
 *
 * HTMLSAN_SAFE (raw_html off, the default): the HTML Markdown itself
 * produces plus details, summary, kbd, sub, sup, br, img (src, alt, width,
 * height, title, align), abbr, mark, ins, del, s, strike, small, u, q, cite,
 * dfn, var, samp, tt, time, wbr, ruby/rt/rp, bdi, bdo, span, div, p,
 * figure, figcaption, dl/dt/dd, table parts with align, colspan, rowspan,
 * and on any of them: id, class, title, lang, dir, align, role, aria-*,
 * data-*. An input element is kept only as a checkbox (task lists).
 *
 * HTMLSAN_RAW (raw_html: true): the safe list plus page structure (article,
 * aside, header, footer, nav, section, address, hgroup), center, font, big,
 * picture/source, video, audio, track, map/area, label, fieldset, legend,
 * progress, meter, and the attributes style, hidden, tabindex, width,
 * height, valign, bgcolor, border, cellpadding, cellspacing, nowrap,
 * headers, target, rel, hreflang, download, loading, decoding, controls,
 * autoplay, muted, loop, playsinline, preload, poster, srcset, ...
 *
 * Never kept, in either mode: script, style, iframe, object, embed, frame,
 * applet, form controls other than a checkbox, template, noscript, title,
 * textarea, select, link, meta, base, SVG and MathML (elements dropped with
 * their content); on* event handlers; a URL attribute (href, src, srcset,
 * poster, cite, action, formaction, xlink:href, data, background, ...)
 * whose scheme is not http, https, mailto or tel (an image may also be a
 * data:image/png, gif, jpeg or webp URL). Other elements that are not
 * allowed are unwrapped: their tags go, their text stays. Comments go.
 *
 * Thread-safe. The parser's memory comes from an arena freed at once (gumbo
 * frees its tree recursively, which a deep tree would overflow), and a
 * fragment with more than HTMLSAN_MAX_TAGS start tags, or nested more than
 * HTMLSAN_MAX_DEPTH deep (browsers stop at 512 too), is refused: bounded
 * memory and time. */
#ifndef ALMANAC_HTMLSAN_H
#define ALMANAC_HTMLSAN_H

#include <stddef.h>

#define HTMLSAN_MAX_TAGS 50000
#define HTMLSAN_MAX_DEPTH 512

typedef enum { HTMLSAN_SAFE = 0, HTMLSAN_RAW = 1 } htmlsan_mode;

/* What htmlsan_check found in one piece of raw HTML: an element that is not
 * kept (`attr` NULL) or an attribute that is removed from a kept element,
 * at byte `off` of the piece; `tag` and `attr` are lower-case names. */
typedef void (*htmlsan_report_fn)(void *ud, size_t off, const char *tag, const char *attr);

/* Sanitize the HTML fragment `html` (`len` bytes). Returns the clean HTML
 * (caller frees), or NULL when the fragment is over the bounds above (the
 * caller must then drop it whole). */
char *htmlsan_clean(const char *html, size_t len, htmlsan_mode mode);
/* Parse one piece of raw HTML as written in a page and report, through
 * `fn`, what htmlsan_clean would remove from it; the ids (id attributes,
 * and name on <a>) of the elements it keeps are appended to *ids (*nids
 * entries, each owned by the caller). `fn` may be NULL. A piece over the
 * bounds is not looked at (htmlsan_clean refuses the page). */
void htmlsan_check(const char *html, size_t len, htmlsan_mode mode, htmlsan_report_fn fn, void *ud, char ***ids,
		   size_t *nids);
/* 1 when the URL (an attribute value, references already decoded) may be
 * kept: relative, or with an allowed scheme (see above). */
int htmlsan_url_ok(const char *url, int is_image);

#endif
