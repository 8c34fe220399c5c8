"""Snapshots of the network for reports and other tools."""
