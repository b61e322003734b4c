"""Behaviour shared by the admins of every app."""


class RefusedWritesMixin:
    """Refuses the writes named in `refused_writes` (all three by default: read-only) whatever a user's
    permissions, for records that must stay as they happened."""

    refused_writes: tuple[str, ...] = ("add", "change", "delete")

    def has_add_permission(self, request, *args):
        return "add" not in self.refused_writes and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return "change" not in self.refused_writes and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return "delete" not in self.refused_writes and super().has_delete_permission(request, obj)
