import { ref } from 'vue'
import { syncApi } from '../api'

// Shop names for filters and labels: /admin/sync lists every shop (id, name, platform, status) to every role.
export function useShops() {
  const shops = ref([])
  const loading = ref(false)
  async function load() {
    loading.value = true
    try {
      shops.value = (await syncApi.health()).items
    } catch {
      shops.value = []
    } finally {
      loading.value = false
    }
  }
  load()
  const nameOf = (id) => (shops.value.find((s) => s.shop_id === id) || {}).name || id
  return { shops, loading, load, nameOf }
}
