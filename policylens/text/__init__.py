"""The analysis of one document: segmentation and dictionary, the pillar codebook and classification,
terms, keyness, keyword in context, co-occurrence network, distribution, and the whole analysis.

May import: documents and the foundation. Never indicators, figures, export, view or ui.
"""
