"""Chinese for the messages of issue 9 (hostile files, deployment safety)."""

T = {
    "The request is too large: files may be at most %(mb)d MB.": "请求过大：上传文件不得超过%(mb)dMB。",
}
