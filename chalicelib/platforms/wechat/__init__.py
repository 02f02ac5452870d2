"""WeChat Channels shop (微信小店): /channels/ec API client, token life cycle and push verification."""
