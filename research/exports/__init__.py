"""Role-aware exports: posts (CSV, XLSX), the themes report (XLSX), discussion transcripts (text)
and the codebook with coded excerpts as a REFI-QDA project (.qdpx).

Every builder takes the reader's membership: moderators get real names and original text,
clients get pseudonyms and PII-redacted text. Only published posts ever appear.
"""
