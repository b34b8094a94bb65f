/* buf.h: a growing NUL-terminated byte string, for building texts and bodies. */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char	*p;	/* NULL until the first add; always NUL-terminated after */
	size_t	 len;	/* bytes, without the NUL */
	size_t	 cap;
};

void	buf_add(struct buf *, const void *, size_t);
void	buf_str(struct buf *, const char *);
void	buf_pad(struct buf *, size_t spaces);
/* The string built so far, never NULL: the caller owns it and b is empty again. */
char	*buf_take(struct buf *);

#endif
