import { ref } from 'vue'

// A list walked by the API's opaque cursors. They only lead forward, so "back" replays the cursors seen.
// `fetchPage(cursor)` returns the API's promise of a page, or null when there is nothing to ask for yet
// (a list that needs a filter first). The APIs name the next cursor `cursor` (orders, cases) or `next`.
export function useCursorPages(fetchPage) {
  const items = ref([])
  const loading = ref(false)
  const error = ref(null)
  const cursor = ref(null)
  const nextCursor = ref(null)
  const history = ref([])

  async function load(c) {
    const pending = fetchPage(c || undefined)
    if (!pending) {
      items.value = []
      nextCursor.value = null
      return
    }
    loading.value = true
    error.value = null
    try {
      const page = await pending
      items.value = page.items
      nextCursor.value = page.next ?? page.cursor ?? null
      cursor.value = c || null
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
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
  return { items, loading, error, cursor, nextCursor, history, load, first, next, prev }
}
