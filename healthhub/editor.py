"""Staff-only endpoints behind the admin's editor widgets.

django-markdownx's own preview and upload views check no login and accept SVG
or HTML posing as an image; healthhub routes the editor to these instead.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST
from taggit.models import Tag

from healthhub.text.images import clean_image_upload
from healthhub.text.markdown import markdownify

AUTOCOMPLETE_LIMIT = 10


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("Only signed-in editors can use this.")
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@staff_only
def markdown_preview(request):
    return HttpResponse(markdownify(request.POST.get("content", "")))


@require_POST
@staff_only
def image_upload(request):
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": ["Choose an image file to upload."]}, status=400)
    try:
        image = clean_image_upload(upload)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    name = default_storage.save(f"uploads/{image.name}", image)
    return JsonResponse({"image_code": f"![]({default_storage.url(name)})"})


@require_GET
@staff_only
def tag_autocomplete(request):
    """Every tag, drafts' included: editors reuse the vocabulary as they type."""
    query = request.GET.get("q", "").strip()[:100]
    tags = Tag.objects.filter(name__icontains=query).order_by("name") if query else Tag.objects.none()
    return JsonResponse({"results": [tag.name for tag in tags[:AUTOCOMPLETE_LIMIT]]})
