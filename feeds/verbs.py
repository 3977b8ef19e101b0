"""What feeds audits: posts, comments, reactions, forwards, follows and the system's own items."""

from sopsocial.audit.verbs import Verb


class FeedsVerb(Verb):
    POST_CREATE = ("feeds.post_create", "posted")
    POST_EDIT = ("feeds.post_edit", "edited a post")
    POST_DELETE = ("feeds.post_delete", "deleted a post")
    POST_FORWARD = ("feeds.post_forward", "forwarded a post")
    POST_ACK = ("feeds.post_ack", "acknowledged a post")
    POST_ACK_UNDO = ("feeds.post_ack_undo", "took back an acknowledgement")
    POST_LIKE = ("feeds.post_like", "liked a post")
    POST_LIKE_UNDO = ("feeds.post_like_undo", "took back a like")
    COMMENT_CREATE = ("feeds.comment_create", "commented")
    FOLLOW = ("feeds.follow", "followed")
    UNFOLLOW = ("feeds.unfollow", "unfollowed")
    SYSTEM_ITEM = ("feeds.system_item", "posted an update")
    ALERT_ITEM = ("feeds.alert_item", "posted an alert")
    PUSH_SUBSCRIBE = ("feeds.push_subscribe", "turned on phone notifications for a browser")
    PUSH_UNSUBSCRIBE = ("feeds.push_unsubscribe", "turned off phone notifications for a browser")
    PUSH_EXPIRED = ("feeds.push_expired", "dropped a browser its push service no longer knows")


# (Reaction.Kind value, reaction now on) -> verb; a test checks every Reaction.Kind is here.
_REACTIONS: dict[tuple[str, bool], FeedsVerb] = {
    ("ack", True): FeedsVerb.POST_ACK,
    ("ack", False): FeedsVerb.POST_ACK_UNDO,
    ("like", True): FeedsVerb.POST_LIKE,
    ("like", False): FeedsVerb.POST_LIKE_UNDO,
}


def reaction_verb(kind: str, on: bool) -> FeedsVerb:
    """The verb for putting a reaction of `kind` on an item (`on`) or taking it back."""
    return _REACTIONS[(kind, on)]
