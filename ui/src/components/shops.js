import { ref } from 'vue'
import { syncApi } from '../api'

// Shop names for filters and labels: /admin/sync lists every shop (id, name, platform, status) to every role.
// One list for every page, kept from the last visit, so names (never internal ids) show while it reloads.
const CACHE = 'oms.shops'
const shops = ref(JSON.parse(localStorage.getItem(CACHE) || '[]'))
const loading = ref(false)
let pending = null

function load() {
  if (pending) return pending
  loading.value = true
  pending = syncApi.health()
    .then((r) => {
      shops.value = r.items
      localStorage.setItem(CACHE, JSON.stringify(r.items.map((s) => ({ shop_id: s.shop_id, name: s.name, platform: s.platform }))))
    })
    .catch(() => {})
    .finally(() => { loading.value = false; pending = null })
  return pending
}

export function useShops() {
  load()
  // an id not in the list yet (a shop added elsewhere): nothing rather than an internal id
  const nameOf = (id) => (shops.value.find((s) => s.shop_id === id) || {}).name || (loading.value ? '…' : id)
  return { shops, loading, load, nameOf }
}
