/* SPDX-License-Identifier: MIT */
/*
 * Pasted text, undecorated: the pre-pass every text reader (the importers of import.c and the /proc/cpuinfo
 * reader of cpuinfo.c) runs before its parser.  See vmx_paste_clean in import.h for what is removed and why
 * the result keeps one line per input line.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "host/import.h"

static int blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* First line of an output that a prompt line may carry after its command (see vmx_paste_clean). */
static const char *opener(const char *c, const char *e)
{
	static const char title[] = "Basic VMX Information";
	size_t tl = sizeof(title) - 1;
	if ((size_t)(e - c) > tl && memcmp(e - tl, title, tl) == 0 && blank(e[-(ptrdiff_t)tl - 1]))
		return e - tl;
	for (const char *q = c + 1; q < e; q++) {
		if (!blank(q[-1]))
			continue;
		size_t m = (size_t)(e - q);
		if (vmx_imp_starts(q, m, "processor")) {
			const char *k = q + 9;
			while (k < e && blank(*k))
				k++;
			if (k > q + 9 && k < e && *k == ':')
				return q;
		}
		if (vmx_imp_starts(q, m, "VirtualBox ") && vmx_imp_find(q, m, "release log"))
			return q;
	}
	return NULL;
}

/* A word of a prompt head: up to the next blank or the end. */
static const char *word_end(const char *p, const char *e)
{
	while (p < e && !blank(*p))
		p++;
	return p;
}

/*
 * Is [t, e) a shell prompt line?  Returns the start of the command (possibly e), or NULL.  Recognised: "$ ",
 * "# ", "% " alone; "user@host:path$ " (bash), "[user@host dir]$ " (Fedora), "user@host dir % " (zsh),
 * "host:dir user$ " (macOS bash), "PS C:\path> " (PowerShell), each optionally after "(venv) ".
 */
static const char *prompt_cmd(const char *t, const char *e)
{
	const char *p = t;
	if (p < e && *p == '(') {
		const char *q = p + 1;
		while (q < e && q - p < 64 && *q != ')' && !blank(*q))
			q++;
		if (q < e && *q == ')' && q + 1 < e && q[1] == ' ')
			p = q + 2;
	}
	if (e - p >= 6 && p[0] == 'P' && p[1] == 'S' && p[2] == ' ' &&
	    ((p[3] >= 'A' && p[3] <= 'Z') || (p[3] >= 'a' && p[3] <= 'z')) && p[4] == ':' && p[5] == '\\') {
		const char *q = p + 6;
		while (q < e && q - p < 200 && *q != '>')
			q++;
		if (q < e && *q == '>' && (q + 1 == e || q[1] == ' '))
			return q + 1 < e ? q + 2 : e;
		return NULL;
	}
	/* The terminator: the first '$', '#' or '%' followed by a blank or the end of the line. */
	const char *k = p;
	while (k < e && k - p < 100 && !((*k == '$' || *k == '#' || *k == '%') && (k + 1 == e || k[1] == ' ')))
		k++;
	if (k >= e || k - p >= 100)
		return NULL;
	const char *cmd = k + 1 < e ? k + 2 : e;
	if (k == p)
		return cmd; /* "$ cmd", "# cmd", "% cmd", or the marker alone */
	const char *h = p, *he = k;
	if (*h == '[') { /* "[user@host dir]$" */
		if (he[-1] != ']' || !memchr(h, '@', (size_t)(he - h)))
			return NULL;
		return cmd;
	}
	/* One or two words; the first names a user and host (user@host[:path]) or a host and path (host:path). */
	if (he - h > 1 && he[-1] == ' ')
		he--; /* zsh: "user@host dir %" */
	const char *w1 = word_end(h, he);
	int at = memchr(h, '@', (size_t)(w1 - h)) != NULL, colon = memchr(h, ':', (size_t)(w1 - h)) != NULL;
	if (w1 == he)
		return (at || (colon && *k == '$')) ? cmd : NULL;
	if (w1 + 1 >= he || w1[0] != ' ' || blank(w1[1]) || word_end(w1 + 1, he) != he)
		return NULL; /* not "w1 w2" */
	/* zsh "user@host dir % ", macOS "host:dir user$ " */
	if ((at && *k == '%') || (colon && !at && *k == '$'))
		return cmd;
	return NULL;
}

char *vmx_paste_clean(const char *text, size_t len, size_t *out_len)
{
	char *out = calloc(len + 1, 1); /* calloc: clang-analyzer cannot follow n through the loops below */
	if (!out)
		return NULL;
	/* Whole text: no byte order mark (Windows editors); a non-breaking space (UTF-8 C2 A0, from web pages and
	 * mail) is a space.  Both only shrink the text, so the lines are then rewritten in place. */
	size_t n = 0, i = 0;
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb && (unsigned char)text[2] == 0xbf)
		i = 3;
	for (; i < len; i++) {
		if ((unsigned char)text[i] == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] == 0xa0) {
			out[n++] = ' ';
			i++;
		} else
			out[n++] = text[i];
	}
	char *w = out;
	const char *p = out, *end = out + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl ? nl : end;
		p = nl ? nl + 1 : end;
		/* Line end: CR (Windows), trailing blanks. */
		while (e > s && (e[-1] == '\r' || blank(e[-1])))
			e--;
		/* Quote marks: "> ", nested "> > " or ">> ", also after blanks. */
		for (;;) {
			const char *q = s;
			while (q < e && blank(*q))
				q++;
			if (q >= e || *q != '>')
				break;
			q++;
			if (q < e && *q == ' ')
				q++;
			s = q;
		}
		const char *t = s;
		while (t < e && blank(*t))
			t++;
		const char *cmd = t < e ? prompt_cmd(t, e) : NULL;
		if (cmd) {
			const char *h = opener(cmd, e);
			if (!h) {
				s = e; /* the prompt line: an empty line */
			} else {
				memmove(w, s, (size_t)(t - s)); /* its indentation, then what followed the command */
				w += t - s;
				s = h;
			}
		}
		memmove(w, s, (size_t)(e - s));
		w += e - s;
		if (nl)
			*w++ = '\n';
	}
	*w = 0;
	*out_len = (size_t)(w - out);
	return out;
}
