/* buf.c: a growing NUL-terminated byte string. */
#include <string.h>

#include "base/base.h"
#include "base/buf.h"

void
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	cap;

	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 256 : b->cap;
		while (b->len + n + 1 > cap)
			cap *= 2;
		b->p = xreallocarray(b->p, 1, cap);
		b->cap = cap;
	}
	if (n != 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_pad(struct buf *b, size_t spaces)
{
	while (spaces-- > 0)
		buf_add(b, " ", 1);
}

char *
buf_take(struct buf *b)
{
	char	*p;

	if (b->p == NULL)
		buf_add(b, "", 0);
	p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}
