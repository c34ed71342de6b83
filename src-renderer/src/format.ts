/** "AC1234…cdef" style shortening for long IDs: the prefix and tail people recognise. */
export function shortenId(id: string, head = 2, tail = 4): string {
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`;
}
