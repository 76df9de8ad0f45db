-- 010_portal: enforcement bodies (执法主体) as the law knows them, and the
-- photo on an officer's certificate.  Owned by src/people/.
--
-- A unit's kind is 'body' for an 执法主体 - the department itself, or an
-- organisation authorised by law or regulation to enforce in its own name
-- (《中华人民共和国行政处罚法》第十七条、第十九条) - or 'office' for any other
-- unit: an internal division (处室) that handles a body's enforcement
-- work is its 承办机构 and acts in the body's name; it is not a body.
-- The portal discloses each body (国办发〔2018〕118号《国务院办公厅关于全面
-- 推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》
-- 二(一): 公开行政执法主体、人员、职责、权限、依据、程序、救济渠道) with the
-- contact fields below; they are '' on offices.
--
-- Existing data: the top unit of each tree becomes a body (the department).
ALTER TABLE units ADD COLUMN kind TEXT NOT NULL DEFAULT 'office';       -- body | office
ALTER TABLE units ADD COLUMN address TEXT NOT NULL DEFAULT '';          -- 办公地址
ALTER TABLE units ADD COLUMN phone TEXT NOT NULL DEFAULT '';            -- 联系电话
ALTER TABLE units ADD COLUMN head_name TEXT NOT NULL DEFAULT '';        -- 负责人
ALTER TABLE units ADD COLUMN complaint_phone TEXT NOT NULL DEFAULT '';  -- 监督投诉电话
UPDATE units SET kind = 'body' WHERE parent_id IS NULL;

-- The holder's photo: the SHA-256 of a JPEG or PNG in the blob store
-- (store/blobs.h) and its media type.  Personal data: kept here only,
-- never in a ledger leaf.  NULL = no photo.
ALTER TABLE certificates ADD COLUMN photo_sha256 TEXT;
ALTER TABLE certificates ADD COLUMN photo_type TEXT;
