// Goods images live in the images bucket, served through the UI's own origin under /goods-images/
// (CloudFront in AWS, the local runtime locally): never through the API's Lambda.
export function thumb(key) {
  return `/${key.replace('/originals/', '/thumbs/').replace(/\.[^.]+$/, '.jpg')}`
}
export function original(key) {
  return `/${key}`
}

// Straight from the browser to S3: the API signs a POST policy (size and type limits inside it), the
// file goes to S3 itself, then the API checks what arrived (a real image) and makes its thumbnail.
export async function uploadImage(file) {
  const { post } = await import('../../api/client')
  const grant = await post('/admin/goods/images', { content_type: file.type, size: file.size })
  const data = new FormData()
  for (const [k, v] of Object.entries(grant.fields)) data.append(k, v)
  data.append('file', file)
  const res = await fetch(grant.url, { method: 'POST', body: data })
  if (!res.ok) {
    const { ApiError } = await import('../../api/client')
    const tooLarge = (await res.text()).includes('EntityTooLarge')
    throw new ApiError(res.status, 'upload_refused', `S3 ${res.status}`, [], tooLarge ? 'goods.image_too_large' : 'goods.image_type')
  }
  await post('/admin/goods/images/confirm', { key: grant.key })
  return grant.key
}
