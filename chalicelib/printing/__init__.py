"""E-waybill printing: messages for the platforms' local print components, PDF labels and pick lists."""
