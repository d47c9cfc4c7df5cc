/*
 * guests/common/argv_split.h - splits one shell command line into argv,
 * in storage the caller gives.
 *
 * Owns nothing: the words are copied into the caller's buffer, argv[] into
 * the caller's array.  The line is not modified and need not outlive the
 * call.  No malloc, no globals: builds into the dom0 kernel and the host
 * unit tests alike.
 *
 * Syntax (a small subset of the POSIX shell's, without expansions):
 *   - words are separated by blanks (space, tab, \n, \r, \v, \f);
 *   - '...' keeps every byte up to the next ' literally;
 *   - "..." keeps bytes literally, except \" and \\ which give " and \;
 *   - outside quotes, \ makes the next byte literal (also a blank, #, ');
 *   - '' or "" is an empty word; quoted parts join their neighbours
 *     (a"b c"'d' is one word "ab cd");
 *   - an unquoted, unescaped # at the start of a word starts a comment
 *     that runs to the end of the line.
 */
#ifndef GUESTS_COMMON_ARGV_SPLIT_H
#define GUESTS_COMMON_ARGV_SPLIT_H

#include <stddef.h>

/*
 * The words of a line never need more than strlen(line) + 1 bytes of
 * buffer (each word is at most as long as its text plus one NUL), so a
 * buffer of that size never gives -ENAMETOOLONG.
 */

/**
 * argv_split() - split @line into words.
 * @line:     the NUL-terminated command line (hostile bytes allowed).
 * @buf:      storage for the words, each NUL-terminated, @buf_size bytes.
 * @argv:     array of @argv_size slots; on success argv[0..*argc-1] point
 *            into @buf and argv[*argc] is NULL.
 * @argc:     out: the number of words (0 for a blank or comment line).
 *
 * Return: 0; -EINVAL for an unterminated ' or " or a \ at the very end of
 * the line; -E2BIG when there are more than @argv_size - 1 words;
 * -ENAMETOOLONG when the words do not fit in @buf.  On error *argc is 0
 * and argv[0] is NULL (when @argv_size > 0).
 */
int argv_split(const char *line, char *buf, size_t buf_size, char **argv, size_t argv_size,
	       size_t *argc);

/**
 * argv_split_strerror() - a short English reason for an argv_split() result.
 * @rc: a value argv_split() returned.
 *
 * Return: a static string ("ok", "unterminated quote or trailing backslash",
 * "too many arguments", "line too long", or "unknown error").
 */
const char *argv_split_strerror(int rc);

#endif /* GUESTS_COMMON_ARGV_SPLIT_H */
