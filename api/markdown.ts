/**
 * Markdown of knowledge-base articles to HTML that is safe to put in a page. Whatever the renderer produces (inline
 * HTML in the source included) passes an allow-list of tags, attributes, classes, styles and URL schemes: no script,
 * event handler, frame, style sheet or javascript:/data: URL can come out, whatever the source.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: true, linkify: true });

const SAFE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'em', 'strong', 's', 'del', 'sup', 'sub',
    'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], code: ['class'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedClasses: { code: [/^language-[A-Za-z0-9_+-]{1,30}$/] },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }) },
};

export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), SAFE_HTML);
}
