import { ref } from 'vue'

// A list walked by the API's opaque cursors. They only lead forward, so "back" replays the cursors seen.
// `fetchPage(cursor)` returns the API's promise of a page, or null when there is nothing to ask for yet
// (a list that needs a filter first). The APIs name the next cursor `cursor` (orders, cases) or `next`.
// Only the newest request may fill the list: a slow answer to an older query (the page's first, unfiltered
// load) arriving after the search the operator typed is dropped, never shown under the typed filter.
export function useCursorPages(fetchPage) {
  const items = ref([])
  const total = ref(null)
  const loading = ref(false)
  const error = ref(null)
  const cursor = ref(null)
  const nextCursor = ref(null)
  const history = ref([])
  let sequence = 0

  // quiet: a background refresh of the page shown (polling): no loading mask, errors kept for the next try
  async function load(c, { quiet = false } = {}) {
    const mine = ++sequence
    const pending = fetchPage(c || undefined)
    if (!pending) {
      items.value = []
      total.value = null
      nextCursor.value = null
      loading.value = false
      return
    }
    if (!quiet) {
      loading.value = true
      error.value = null
    }
    try {
      const page = await pending
      if (mine !== sequence) return
      items.value = page.items
      total.value = page.total ?? null
      nextCursor.value = page.next ?? page.cursor ?? null
      cursor.value = c || null
    } catch (e) {
      if (mine === sequence && !quiet) error.value = e
    } finally {
      if (mine === sequence) loading.value = false
    }
  }
  function first() {
    history.value = []
    return load(null)
  }
  function next() {
    history.value.push(cursor.value)
    return load(nextCursor.value)
  }
  function prev() {
    return load(history.value.pop())
  }
  // never over a page the operator asked for (next, prev, a search): that answer must not be dropped
  const refresh = () => (loading.value ? Promise.resolve() : load(cursor.value, { quiet: true }))
  return { items, total, loading, error, cursor, nextCursor, history, load, first, next, prev, refresh }
}
